/**
 * Uploading a finished local file to S3 (docs/s3.md): one PutObject below the multipart minimum, else a multipart
 * upload resumed from its state file. Longer than 300 lines because the multipart steps (open or continue, send the
 * missing parts, complete, abort) share one state-file invariant — the file records exactly the parts S3 holds — and
 * are read together with the single-put path and the existence check they fall back to.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { OutputError } from '../errors/output-error.js';
import { s3Sdk } from './load-sdk.js';
import { objectExistsError, objectHeaders, sendOptions, type S3ObjectSettings } from './object-headers.js';
import { factsOf, isNoSuchUpload, isPreconditionFailed, mapS3Error, missingBucketError } from './map-s3-error.js';
import { planUpload, type UploadPart } from './plan-upload-parts.js';
import { formatS3Uri } from './s3-uri.js';
import { signWithPayloadSha256 } from './signed-payload.js';
import {
  readUploadState,
  removeUploadState,
  writeUploadState,
  type UploadedPart,
  type UploadState,
} from './upload-state.js';

/** Progress and notices of one upload, for the renderer. */
export type UploadEvent =
  | { readonly type: 'upload-start'; readonly uri: string; readonly sizeBytes: number; readonly resumedParts: number }
  | {
      readonly type: 'upload-part';
      readonly partNumber: number;
      readonly sizeBytes: number;
      readonly uploadedBytes: number;
      readonly totalBytes: number;
    }
  | { readonly type: 'upload-restart'; readonly uri: string; readonly reason: string }
  | { readonly type: 'upload-done'; readonly uri: string; readonly sizeBytes: number };

export type UploadFileOptions = {
  readonly file: string;
  readonly bucket: string;
  readonly key: string;
  /** Where the resumable state lives (beside the resume manifest). */
  readonly statePath: string;
  /** Overwrite an existing object (no exists check, no If-None-Match). */
  readonly force: boolean;
  /** User metadata (x-amz-meta-*), e.g. stream, start, end, fragments; sha256 is added. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly settings: S3ObjectSettings;
  /** Parts in flight at once (default 3); memory is this × the part size. */
  readonly concurrency?: number;
  /** Tests shrink it; S3's minimum still applies to the plan. */
  readonly preferredPartBytes?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: UploadEvent) => void;
};

/** The finished object, for --json and --exec. */
export type UploadedObject = {
  readonly bucket: string;
  readonly key: string;
  readonly uri: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly etag: string | undefined;
  readonly versionId: string | undefined;
  /** Parts sent by this run (0 for a single PutObject). */
  readonly partsSent: number;
};

/** SHA-256 (hex) of a file, read as a stream in constant memory. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What HeadObject says of an existing object: the `s3` entry --json gives an object a run left in place. */
export type ExistingObject = {
  readonly bucket: string;
  readonly key: string;
  readonly uri: string;
  readonly sizeBytes: number;
  /** Its `x-amz-meta-sha256` (as an earlier run stored it), or null when it has none. */
  readonly sha256: string | null;
  readonly etag: string | null;
  readonly versionId: string | null;
};

/** Whether the object exists (HeadObject); throws as headObject does. */
export async function objectExists(
  client: S3Client,
  target: { bucket: string; key: string },
  signal?: AbortSignal,
): Promise<boolean> {
  return (await headObject(client, target, signal)) !== null;
}

/**
 * The object's HeadObject facts, or null when there is none (the object itself is not read). Throws AuthError
 * (s3:GetObject denied; S3 answers 403 for a missing key without s3:ListBucket), OutputError for a missing bucket,
 * RemoteError after retries.
 */
export async function headObject(
  client: S3Client,
  target: { bucket: string; key: string },
  signal?: AbortSignal,
): Promise<ExistingObject | null> {
  const { HeadObjectCommand } = s3Sdk();
  try {
    const reply = await client.send(
      new HeadObjectCommand({ Bucket: target.bucket, Key: target.key }),
      sendOptions(signal),
    );
    return {
      bucket: target.bucket,
      key: target.key,
      uri: formatS3Uri(target.bucket, target.key),
      sizeBytes: reply.ContentLength ?? 0,
      sha256: reply.Metadata?.['sha256'] ?? null,
      etag: reply.ETag ?? null,
      versionId: reply.VersionId ?? null,
    };
  } catch (error) {
    const { name, status } = factsOf(error);
    // HEAD has no body: a missing bucket comes back as a bare 404 too; tell it apart by asking for the bucket.
    if (name === 'NotFound' || name === 'NoSuchKey' || status === 404) {
      await assertBucketExists(client, target.bucket, signal);
      return null;
    }
    throw mapS3Error(error, { action: 's3:GetObject', ...target });
  }
}

/**
 * HeadBucket after an object's 404, so a missing bucket is exit 7 naming it before anything is downloaded rather
 * than at the first upload. Any other answer (a 403 without s3:ListBucket, say) leaves it to the upload to tell.
 */
async function assertBucketExists(client: S3Client, bucket: string, signal?: AbortSignal): Promise<void> {
  const { HeadBucketCommand } = s3Sdk();
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }), sendOptions(signal));
  } catch (error) {
    const { name, status } = factsOf(error);
    if (name === 'NotFound' || name === 'NoSuchBucket' || status === 404) throw missingBucketError(bucket, error);
  }
}

function objectHeadersOf(options: UploadFileOptions, sha256: string) {
  return objectHeaders(options, { sha256 });
}

async function readRange(path: string, part: { offset: number; sizeBytes: number }): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(part.sizeBytes);
    let done = 0;
    while (done < part.sizeBytes) {
      const { bytesRead } = await handle.read(buffer, done, part.sizeBytes - done, part.offset + done);
      if (bytesRead === 0) throw new OutputError('E_OUTPUT_WRITE', `${path} shrank while it was being uploaded`);
      done += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
}

async function putSingle(
  client: S3Client,
  options: UploadFileOptions,
  sizeBytes: number,
  sha256: string,
): Promise<UploadedObject> {
  const { PutObjectCommand } = s3Sdk();
  const body = await readRange(options.file, { offset: 0, sizeBytes });
  const digest = createHash('sha256').update(body).digest();
  const uri = formatS3Uri(options.bucket, options.key);
  try {
    const command = new PutObjectCommand({
      ...objectHeadersOf(options, sha256),
      Body: body,
      ContentLength: sizeBytes,
      ChecksumSHA256: digest.toString('base64'),
      ...(options.force ? {} : { IfNoneMatch: '*' }),
    });
    const reply = await client.send(signWithPayloadSha256(command, digest), sendOptions(options.signal));
    return {
      bucket: options.bucket,
      key: options.key,
      uri,
      sizeBytes,
      sha256,
      etag: reply.ETag,
      versionId: reply.VersionId,
      partsSent: 0,
    };
  } catch (error) {
    if (isPreconditionFailed(error)) throw existsError(uri, error);
    throw mapS3Error(error, { action: 's3:PutObject', bucket: options.bucket, key: options.key });
  }
}

const existsError = objectExistsError;

/**
 * Starts the multipart upload, or continues the one recorded at statePath when it is for the same bytes. Without
 * ListParts, the state file is the record of finished parts, saved after each part.
 */
async function openUpload(
  client: S3Client,
  options: UploadFileOptions,
  pin: { sizeBytes: number; sha256: string; partBytes: number },
): Promise<UploadState> {
  const saved = await readUploadState(options.statePath);
  if (
    saved !== null &&
    saved.bucket === options.bucket &&
    saved.key === options.key &&
    saved.sizeBytes === pin.sizeBytes &&
    saved.sha256 === pin.sha256 &&
    saved.partBytes === pin.partBytes
  )
    return saved;
  const { CreateMultipartUploadCommand } = s3Sdk();
  try {
    const reply = await client.send(
      new CreateMultipartUploadCommand({ ...objectHeadersOf(options, pin.sha256), ChecksumAlgorithm: 'SHA256' }),
      sendOptions(options.signal),
    );
    if (reply.UploadId === undefined) throw new Error('CreateMultipartUpload returned no UploadId');
    const state: UploadState = {
      version: 1,
      bucket: options.bucket,
      key: options.key,
      uploadId: reply.UploadId,
      ...pin,
      parts: [],
    };
    await writeUploadState(options.statePath, state);
    return state;
  } catch (error) {
    throw mapS3Error(error, { action: 's3:PutObject', bucket: options.bucket, key: options.key });
  }
}

async function sendPart(
  client: S3Client,
  options: UploadFileOptions,
  uploadId: string,
  part: UploadPart,
): Promise<UploadedPart> {
  const { UploadPartCommand } = s3Sdk();
  const body = await readRange(options.file, part);
  const digest = createHash('sha256').update(body).digest();
  const checksumSha256 = digest.toString('base64');
  const command = new UploadPartCommand({
    Bucket: options.bucket,
    Key: options.key,
    UploadId: uploadId,
    PartNumber: part.partNumber,
    Body: body,
    ContentLength: part.sizeBytes,
    ChecksumSHA256: checksumSha256,
  });
  const reply = await client.send(signWithPayloadSha256(command, digest), sendOptions(options.signal));
  if (reply.ETag === undefined) throw new Error(`UploadPart ${part.partNumber} returned no ETag`);
  return { partNumber: part.partNumber, sizeBytes: part.sizeBytes, etag: reply.ETag, checksumSha256 };
}

/** Sends every part not in `state`, `concurrency` at a time, saving the state after each; returns the full state. */
async function sendMissingParts(
  client: S3Client,
  options: UploadFileOptions,
  state: UploadState,
  parts: readonly UploadPart[],
): Promise<{ state: UploadState; sent: number }> {
  const done = new Map(state.parts.map((part) => [part.partNumber, part]));
  const queue = parts.filter((part) => done.get(part.partNumber)?.sizeBytes !== part.sizeBytes);
  let current = state;
  let saving = Promise.resolve();
  let uploadedBytes = [...done.values()].reduce((sum, part) => sum + part.sizeBytes, 0);
  const worker = async (): Promise<void> => {
    for (let part = queue.shift(); part !== undefined; part = queue.shift()) {
      const uploaded = await sendPart(client, options, state.uploadId, part);
      uploadedBytes += uploaded.sizeBytes;
      current = { ...current, parts: [...current.parts.filter((p) => p.partNumber !== uploaded.partNumber), uploaded] };
      const snapshot = current;
      saving = saving.then(() => writeUploadState(options.statePath, snapshot));
      await saving;
      options.onEvent?.({
        type: 'upload-part',
        partNumber: part.partNumber,
        sizeBytes: part.sizeBytes,
        uploadedBytes,
        totalBytes: state.sizeBytes,
      });
    }
  };
  const total = queue.length;
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 3, total)) }, () => worker());
  const results = await Promise.allSettled(workers);
  await saving;
  const failed = results.find((result) => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return { state: current, sent: total };
}

async function completeUpload(client: S3Client, options: UploadFileOptions, state: UploadState) {
  const { CompleteMultipartUploadCommand } = s3Sdk();
  const parts = [...state.parts].sort((a, b) => a.partNumber - b.partNumber);
  return client.send(
    new CompleteMultipartUploadCommand({
      Bucket: options.bucket,
      Key: options.key,
      UploadId: state.uploadId,
      ...(options.force ? {} : { IfNoneMatch: '*' }),
      MultipartUpload: {
        Parts: parts.map((part) => ({
          PartNumber: part.partNumber,
          ETag: part.etag,
          ChecksumSHA256: part.checksumSha256,
        })),
      },
    }),
    sendOptions(options.signal),
  );
}

async function abortQuietly(client: S3Client, state: UploadState): Promise<void> {
  const { AbortMultipartUploadCommand } = s3Sdk();
  try {
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: state.bucket, Key: state.key, UploadId: state.uploadId }),
    );
  } catch {
    // Best effort: servers without AbortMultipartUpload, or no permission; the lifecycle rule in the README cleans up.
  }
}

async function uploadMultipart(
  client: S3Client,
  options: UploadFileOptions,
  pin: { sizeBytes: number; sha256: string },
  attempt: number,
): Promise<UploadedObject> {
  const plan = planUpload(
    pin.sizeBytes,
    options.preferredPartBytes === undefined ? {} : { preferredBytes: options.preferredPartBytes },
  );
  if (plan.kind !== 'multipart') throw new Error('uploadMultipart called for a single-request object');
  const uri = formatS3Uri(options.bucket, options.key);
  const opened = await openUpload(client, options, { ...pin, partBytes: plan.partBytes });
  options.onEvent?.({ type: 'upload-start', uri, sizeBytes: pin.sizeBytes, resumedParts: opened.parts.length });
  const restart = async (error: unknown): Promise<UploadedObject> => {
    if (attempt > 0) throw mapS3Error(error, { action: 's3:PutObject', bucket: options.bucket, key: options.key });
    options.onEvent?.({
      type: 'upload-restart',
      uri,
      reason: `S3 no longer knows upload ${opened.uploadId} (NoSuchUpload); starting it over`,
    });
    await removeUploadState(options.statePath);
    return uploadMultipart(client, options, pin, attempt + 1);
  };
  let finished: { state: UploadState; sent: number };
  try {
    finished = await sendMissingParts(client, options, opened, plan.parts);
  } catch (error) {
    if (isNoSuchUpload(error)) return restart(error);
    // Keep the state: a rerun sends only the parts that are missing.
    throw mapS3Error(error, { action: 's3:PutObject', bucket: options.bucket, key: options.key });
  }
  try {
    const reply = await completeUpload(client, options, finished.state);
    await removeUploadState(options.statePath);
    return {
      bucket: options.bucket,
      key: options.key,
      uri,
      sizeBytes: pin.sizeBytes,
      sha256: pin.sha256,
      etag: reply.ETag,
      versionId: reply.VersionId,
      partsSent: finished.sent,
    };
  } catch (error) {
    if (isNoSuchUpload(error)) return restart(error);
    if (isPreconditionFailed(error)) {
      await abortQuietly(client, finished.state);
      await removeUploadState(options.statePath);
      throw existsError(uri, error);
    }
    throw mapS3Error(error, { action: 's3:PutObject', bucket: options.bucket, key: options.key });
  }
}

/**
 * Uploads a finished local file to S3 as one object: a single PutObject below the multipart minimum, else a
 * multipart upload whose state (upload id, finished parts with ETags and SHA-256 checksums) is saved at
 * `statePath` after every part, so rerunning after a crash or a failure sends only the missing parts and completes
 * the same object. Completion uses If-None-Match: * unless `force`, so a concurrent writer cannot be overwritten
 * where the server enforces it. The whole object's SHA-256 is stored as `x-amz-meta-sha256`.
 * Throws OutputError `E_OUTPUT_EXISTS` (object appeared meanwhile) / `E_OUTPUT_WRITE` (no bucket), AuthError
 * naming the action, RemoteError after the SDK's per-request retries (state kept).
 */
export async function uploadFile(client: S3Client, options: UploadFileOptions): Promise<UploadedObject> {
  const { size } = await stat(options.file);
  const sha256 = await sha256OfFile(options.file);
  const uri = formatS3Uri(options.bucket, options.key);
  if (planUpload(size).kind === 'single') {
    options.onEvent?.({ type: 'upload-start', uri, sizeBytes: size, resumedParts: 0 });
    const object = await putSingle(client, options, size, sha256);
    options.onEvent?.({ type: 'upload-done', uri, sizeBytes: size });
    return object;
  }
  const object = await uploadMultipart(client, options, { sizeBytes: size, sha256 }, 0);
  options.onEvent?.({ type: 'upload-done', uri, sizeBytes: size });
  return object;
}
