import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { RemoteError } from '../errors/remote-error.js';
import { writeFileAtomic } from '../output/write-file-atomic.js';
import { s3Sdk } from './load-sdk.js';
import { isNoSuchUpload, isPreconditionFailed, mapS3Error } from './map-s3-error.js';
import { objectExistsError, objectHeaders, sendOptions, type ObjectTarget } from './object-headers.js';
import { formatS3Uri } from './s3-uri.js';
import { signWithPayloadSha256 } from './signed-payload.js';
import { compositeSha256, mergeParts, readStreamState, type StreamState } from './stream-state.js';
import type { UploadedPart } from './upload-state.js';

/**
 * The S3 side of a streaming upload (docs/s3.md, "Streaming upload"): one multipart upload created on first need,
 * its parts sent with their SHA-256 (the SDK's flexible checksums; S3 verifies them) and recorded in a state file
 * after each, so a rerun never sends a recorded part again (ListParts is never used: not every S3-compatible server
 * has it). Objects that never needed a second part go up in one PutObject instead.
 */

/** The upload id is gone from the server (completed, aborted or expired): the whole object must be sent again. */
export class UploadGoneError extends RemoteError {
  constructor(uri: string, uploadId: string, cause: unknown) {
    super('E_REMOTE', `S3 no longer knows the upload of ${uri} (NoSuchUpload, upload ${uploadId})`, {
      cause,
      hint: 'Run the same command again: it starts the object over.',
    });
  }
}

/** A finished object, for --json and the progress line. */
export type StoredObject = {
  readonly bucket: string;
  readonly key: string;
  readonly uri: string;
  readonly sizeBytes: number;
  /** SHA-256 (hex) of the whole object (null only when the run was told not to compute it). */
  readonly sha256: string | null;
  /** Whether `sha256` is stored as the object's `x-amz-meta-sha256` (not above CopyObject's 5 GiB). */
  readonly sha256Stored?: boolean;
  /** S3's own checksum: SHA-256 of the object, or for multipart the composite `base64(sha256(part digests))-N`. */
  readonly checksumSha256?: string;
  readonly etag: string | null;
  readonly versionId: string | null;
  /** Parts this run sent (recorded parts of an earlier run are not sent again). */
  readonly partsSent: number;
};

export type SessionOptions = ObjectTarget & {
  readonly client: S3Client;
  readonly statePath: string;
  /** Overwrite an existing object: no If-None-Match on completion. */
  readonly force: boolean;
  readonly signal?: AbortSignal;
};

export class MultipartSession {
  private creating: Promise<string> | null = null;
  private saving: Promise<void> = Promise.resolve();
  private sent = 0;

  private constructor(
    private readonly options: SessionOptions,
    private current: StreamState,
  ) {}

  /** Continues the state at `statePath` when it is for the same object and part size, else starts empty. */
  static async open(options: SessionOptions, partBytes: number, fresh: boolean): Promise<MultipartSession> {
    const saved = fresh ? null : await readStreamState(options.statePath);
    // A completed upload is not continued: its id is gone from the server (finishCompletedUpload handles that case).
    const same = saved !== null && saved.bucket === options.bucket && saved.key === options.key;
    if (same && saved.partBytes === partBytes && saved.completed === undefined)
      return new MultipartSession(options, saved);
    const empty: StreamState = {
      version: 2,
      bucket: options.bucket,
      key: options.key,
      headBytes: null,
      partBytes,
      uploadId: null,
      parts: [],
    };
    return new MultipartSession(options, empty);
  }

  get state(): StreamState {
    return this.current;
  }

  get uri(): string {
    return formatS3Uri(this.options.bucket, this.options.key);
  }

  get partsSent(): number {
    return this.sent;
  }

  recorded(partNumber: number): UploadedPart | undefined {
    return this.current.parts.find((part) => part.partNumber === partNumber);
  }

  /** Fixes the head's size and part count and saves them (a resume must cut the parts the same way). */
  async fixHead(headBytes: number, headParts: number): Promise<void> {
    await this.save({ ...this.current, headBytes, headParts });
  }

  /**
   * Sends part `partNumber` unless the same bytes are recorded already (same size and SHA-256), and records it.
   * Throws UploadGoneError (NoSuchUpload), AuthError (s3:PutObject), RemoteError after the SDK's retries.
   */
  async sendPart(partNumber: number, body: Buffer): Promise<UploadedPart> {
    const digest = createHash('sha256').update(body).digest();
    const checksumSha256 = digest.toString('base64');
    const known = this.recorded(partNumber);
    if (known !== undefined && known.sizeBytes === body.length && known.checksumSha256 === checksumSha256) return known;
    const uploadId = await this.uploadId();
    const { UploadPartCommand } = s3Sdk();
    const { bucket, key } = this.options;
    let etag: string | undefined;
    try {
      const command = new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: body,
        ContentLength: body.length,
        ChecksumSHA256: checksumSha256,
      });
      const reply = await this.options.client.send(
        signWithPayloadSha256(command, digest),
        sendOptions(this.options.signal),
      );
      etag = reply.ETag;
    } catch (error) {
      if (isNoSuchUpload(error)) throw new UploadGoneError(this.uri, uploadId, error);
      throw mapS3Error(error, { action: 's3:PutObject', bucket, key });
    }
    if (etag === undefined)
      throw new RemoteError('E_REMOTE', `UploadPart ${partNumber} of ${this.uri} returned no ETag`);
    const part: UploadedPart = { partNumber, sizeBytes: body.length, etag, checksumSha256 };
    this.sent++;
    const parts = [...this.current.parts.filter((p) => p.partNumber !== partNumber), part];
    await this.save({ ...this.current, parts });
    return part;
  }

  /**
   * Completes the upload from parts 1…N (all recorded), with If-None-Match: * unless forced. Throws OutputError
   * E_OUTPUT_EXISTS (and aborts the upload) when the object appeared meanwhile, UploadGoneError, mapped errors.
   */
  async complete(sizeBytes: number): Promise<StoredObject> {
    const { CompleteMultipartUploadCommand } = s3Sdk();
    const { bucket, key } = this.options;
    const uploadId = await this.uploadId();
    const parts = [...this.current.parts].sort((a, b) => a.partNumber - b.partNumber);
    try {
      const reply = await this.options.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          ...(this.options.force ? {} : { IfNoneMatch: '*' }),
          MultipartUpload: {
            Parts: parts.map((part) => ({
              PartNumber: part.partNumber,
              ETag: part.etag,
              ChecksumSHA256: part.checksumSha256,
            })),
          },
        }),
        sendOptions(this.options.signal),
      );
      return this.stored(sizeBytes, null, compositeSha256(parts), reply);
    } catch (error) {
      if (isNoSuchUpload(error)) throw new UploadGoneError(this.uri, uploadId, error);
      if (isPreconditionFailed(error)) {
        await this.abort();
        throw objectExistsError(this.uri, error);
      }
      throw mapS3Error(error, { action: 's3:PutObject', bucket, key });
    }
  }

  /**
   * Records that the upload is complete as `object`, with the head file holding its first `headBytes`, before the
   * SHA-256 step that follows (a rerun after a cut there finishes only that step, src/s3/finish-completed.ts).
   */
  async recordCompleted(object: StoredObject, headBytes: number): Promise<void> {
    const { etag, versionId, sizeBytes, checksumSha256 } = object;
    const completed = {
      etag,
      versionId,
      sizeBytes,
      headBytes,
      ...(checksumSha256 === undefined ? {} : { checksumSha256 }),
    };
    await this.save({ ...this.current, completed });
  }

  /** One PutObject for an object that never needed a second part (with its SHA-256 as metadata). */
  async putWhole(body: Buffer): Promise<StoredObject> {
    const { PutObjectCommand } = s3Sdk();
    const sha256 = createHash('sha256').update(body).digest();
    const checksum = sha256.toString('base64');
    try {
      const command = new PutObjectCommand({
        ...objectHeaders(this.options, { sha256: sha256.toString('hex') }),
        Body: body,
        ContentLength: body.length,
        ChecksumSHA256: checksum,
        ...(this.options.force ? {} : { IfNoneMatch: '*' }),
      });
      const reply = await this.options.client.send(
        signWithPayloadSha256(command, sha256),
        sendOptions(this.options.signal),
      );
      this.sent++;
      return this.stored(body.length, sha256.toString('hex'), checksum, reply);
    } catch (error) {
      if (isPreconditionFailed(error)) throw objectExistsError(this.uri, error);
      throw mapS3Error(error, { action: 's3:PutObject', bucket: this.options.bucket, key: this.options.key });
    }
  }

  /** Aborts the upload where the server supports it (s3rver does not); the README's lifecycle rule is the backstop. */
  async abort(): Promise<void> {
    const uploadId = this.current.uploadId;
    if (uploadId === null) return;
    const { AbortMultipartUploadCommand } = s3Sdk();
    try {
      await this.options.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.options.bucket, Key: this.options.key, UploadId: uploadId }),
        sendOptions(this.options.signal),
      );
    } catch {
      // Best effort: a server without AbortMultipartUpload, no s3:AbortMultipartUpload permission, or gone already.
    }
  }

  /** Removes the state file (the object is complete, or abandoned). */
  async forget(): Promise<void> {
    await this.saving;
    await rm(this.options.statePath, { force: true });
  }

  private stored(
    sizeBytes: number,
    sha256: string | null,
    checksumSha256: string,
    reply: { ETag?: string | undefined; VersionId?: string | undefined },
  ): StoredObject {
    const { bucket, key } = this.options;
    return {
      bucket,
      key,
      uri: this.uri,
      sizeBytes,
      sha256,
      checksumSha256,
      etag: reply.ETag ?? null,
      versionId: reply.VersionId ?? null,
      partsSent: this.sent,
    };
  }

  private uploadId(): Promise<string> {
    if (this.current.uploadId !== null) return Promise.resolve(this.current.uploadId);
    this.creating ??= this.create();
    return this.creating;
  }

  private async create(): Promise<string> {
    const { CreateMultipartUploadCommand } = s3Sdk();
    const { bucket, key } = this.options;
    try {
      const reply = await this.options.client.send(
        new CreateMultipartUploadCommand({ ...objectHeaders(this.options), ChecksumAlgorithm: 'SHA256' }),
        sendOptions(this.options.signal),
      );
      if (reply.UploadId === undefined) throw new RemoteError('E_REMOTE', 'CreateMultipartUpload returned no UploadId');
      await this.save({ ...this.current, uploadId: reply.UploadId });
      return reply.UploadId;
    } catch (error) {
      this.creating = null;
      throw mapS3Error(error, { action: 's3:PutObject', bucket, key });
    }
  }

  /** Saves in order (parts finish concurrently), atomically, so a crash leaves the old or the new state. */
  private async save(next: StreamState): Promise<void> {
    this.current = { ...next, parts: mergeParts(this.current.parts, next.parts) };
    const snapshot = this.current;
    this.saving = this.saving.then(() => writeFileAtomic(this.options.statePath, `${JSON.stringify(snapshot)}\n`));
    await this.saving;
  }
}
