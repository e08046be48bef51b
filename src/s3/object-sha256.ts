import type { S3Client } from '@aws-sdk/client-s3';
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { RemoteError } from '../errors/remote-error.js';
import { spendBodyBytes } from '../runtime/scavenge-budget.js';
import { s3Sdk } from './load-sdk.js';
import { mapS3Error } from './map-s3-error.js';
import type { StoredObject } from './multipart-session.js';
import { objectHeaders, sendOptions, type ObjectTarget } from './object-headers.js';

/**
 * The whole-object SHA-256 of a completed multipart object and its `x-amz-meta-sha256` (docs/s3.md, "Integrity").
 * User metadata is fixed when a multipart upload is created, and a streamed object's head (part 1) is final only at
 * the end, so neither can be had in one pass for a `get`: when the sink saw every byte in order (a `join`) its hash
 * is used, else the head file and the rest of the object, read back from S3 (one ranged GET, pinned to the ETag),
 * are hashed in order. The metadata is then set by copying the object onto itself (CopyObject, REPLACE, pinned to
 * the ETag): the result's ETag and version id are the object's from then on.
 */

/** CopyObject copies at most 5 GiB; above that the SHA-256 is printed but not stored (docs/s3.md). */
export const COPY_LIMIT_BYTES = 5 * 1024 ** 3;

export type Sha256Facts = {
  readonly client: S3Client;
  readonly target: ObjectTarget;
  /** The local head file: bytes `[0, headBytes)` of the object. */
  readonly headPath: string;
  readonly headBytes: number;
  /** The digest the sink kept while streaming, or null when it must be read back. */
  readonly streamed: string | null;
  readonly signal?: AbortSignal;
};

/** Computes the object's SHA-256 and stores it as metadata; returns the object as it now is. */
export async function addWholeSha256(object: StoredObject, facts: Sha256Facts): Promise<StoredObject> {
  const sha256 = facts.streamed ?? (await readBackSha256(object, facts));
  if (object.sizeBytes > COPY_LIMIT_BYTES) return { ...object, sha256, sha256Stored: false };
  const { CopyObjectCommand } = s3Sdk();
  const { bucket, key } = facts.target;
  try {
    const reply = await facts.client.send(
      new CopyObjectCommand({
        ...objectHeaders(facts.target, { sha256 }),
        CopySource: `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
        MetadataDirective: 'REPLACE',
        ...(object.etag === null ? {} : { CopySourceIfMatch: object.etag }),
        // S3 then computes a full-object SHA-256 checksum of the copy, which confirms ours where it is returned.
        ChecksumAlgorithm: 'SHA256',
      }),
      sendOptions(facts.signal),
    );
    const copied = reply.CopyObjectResult;
    const { checksumSha256: _composite, ...rest } = object;
    return {
      ...rest,
      sha256,
      sha256Stored: true,
      ...(copied?.ChecksumSHA256 === undefined ? {} : { checksumSha256: copied.ChecksumSHA256 }),
      etag: copied?.ETag ?? object.etag,
      versionId: reply.VersionId ?? object.versionId,
    };
  } catch (error) {
    throw mapS3Error(error, { action: 's3:PutObject', bucket, key });
  }
}

/** SHA-256 of the head file's `[0, headBytes)` followed by the object's bytes from `headBytes` on. */
async function readBackSha256(object: StoredObject, facts: Sha256Facts): Promise<string> {
  const hash = createHash('sha256');
  const head = Math.min(facts.headBytes, object.sizeBytes);
  await hashStream(hash, createReadStream(facts.headPath, { start: 0, end: head - 1 }));
  if (head < object.sizeBytes) {
    const { GetObjectCommand } = s3Sdk();
    const { bucket, key } = facts.target;
    try {
      const reply = await facts.client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          Range: `bytes=${head}-`,
          ...(object.etag === null ? {} : { IfMatch: object.etag }),
        }),
        sendOptions(facts.signal),
      );
      if (reply.Body === undefined) throw new RemoteError('E_REMOTE', `GetObject of ${object.uri} returned no body`);
      await hashStream(hash, reply.Body as AsyncIterable<Uint8Array>);
    } catch (error) {
      if (error instanceof RemoteError) throw error;
      throw mapS3Error(error, { action: 's3:GetObject', bucket, key });
    }
  }
  return hash.digest('hex');
}

async function hashStream(hash: Hash, chunks: AsyncIterable<Uint8Array | string>): Promise<void> {
  for await (const chunk of chunks) {
    hash.update(chunk);
    // The read-back's socket chunks are dead once hashed (docs/pipeline.md, "Garbage collection").
    spendBodyBytes(chunk.length);
  }
}
