import type { S3Client } from '@aws-sdk/client-s3';
import type { StoredObject } from './multipart-session.js';
import type { ObjectTarget } from './object-headers.js';
import { addWholeSha256 } from './object-sha256.js';
import { headObject } from './upload-file.js';
import { formatS3Uri } from './s3-uri.js';
import { readStreamState } from './stream-state.js';

// The rerun of an upload cut after CompleteMultipartUpload but before its SHA-256 was stored (docs/s3.md,
// "Integrity"): the object is complete and correct, only `x-amz-meta-sha256` is missing. When the upload state
// records that completion and the object's ETag and size are still the ones it recorded, the read-back and the
// metadata copy are done now, and nothing is downloaded again.

export type FinishRequest = {
  readonly client: S3Client;
  readonly target: ObjectTarget;
  /** The upload state of the object's scratch folder. */
  readonly statePath: string;
  /** The head file the state's `headBytes` refer to. */
  readonly headPath: string;
  readonly signal?: AbortSignal;
};

/** Whether the state records a completed upload whose object is still there, untouched since. */
export async function hasCompletedUpload(request: FinishRequest): Promise<boolean> {
  return (await recordedCompletion(request)) !== null;
}

/**
 * Finishes the SHA-256 step of a recorded completion: the object as it now is, or null when there is none to finish
 * (nothing recorded, or the object was changed or removed since: the caller treats the key as usual).
 */
export async function finishCompletedUpload(request: FinishRequest): Promise<StoredObject | null> {
  const completed = await recordedCompletion(request);
  if (completed === null) return null;
  const { bucket, key } = request.target;
  const object: StoredObject = {
    bucket,
    key,
    uri: formatS3Uri(bucket, key),
    sizeBytes: completed.sizeBytes,
    sha256: null,
    etag: completed.etag,
    versionId: completed.versionId,
    partsSent: 0,
    ...(completed.checksumSha256 === undefined ? {} : { checksumSha256: completed.checksumSha256 }),
  };
  return addWholeSha256(object, {
    client: request.client,
    target: request.target,
    headPath: request.headPath,
    headBytes: completed.headBytes,
    streamed: null,
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  });
}

/** The recorded completion when the object is still the one it made. */
async function recordedCompletion(request: FinishRequest) {
  const state = await readStreamState(request.statePath);
  const completed = state?.completed;
  const { bucket, key } = request.target;
  if (completed === undefined || completed.etag === null || state?.bucket !== bucket || state.key !== key) return null;
  const now = await headObject(request.client, request.target, request.signal);
  return now !== null && now.etag === completed.etag && now.sizeBytes === completed.sizeBytes ? completed : null;
}
