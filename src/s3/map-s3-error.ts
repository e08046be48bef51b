import { AuthError } from '../errors/auth-error.js';
import { KvsClipError } from '../errors/kvs-clip-error.js';
import { OutputError } from '../errors/output-error.js';
import { RemoteError } from '../errors/remote-error.js';
import { UsageError } from '../errors/usage-error.js';
import { describeFailure } from '../download/describe-failure.js';

/** The S3 action that failed (named in access-denied messages, as in an IAM policy). */
export type S3Action = 's3:GetObject' | 's3:PutObject' | 's3:AbortMultipartUpload' | 's3:ListBucket';

type SdkErrorShape = { name?: unknown; $metadata?: { httpStatusCode?: unknown } };

/** The SDK error's name ('' when none) and HTTP status, read by shape (the SDK's classes are loaded lazily). */
export function factsOf(error: unknown): { name: string; status: number | undefined } {
  if (typeof error !== 'object' || error === null) return { name: '', status: undefined };
  const shape = error as SdkErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  return {
    name: typeof shape.name === 'string' ? shape.name : '',
    status: typeof status === 'number' ? status : undefined,
  };
}

const AUTH_NAMES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'CredentialsProviderError',
]);

/**
 * What S3 answers (HTTP 400) to a setting it does not take: a storage class, an ACL, an encryption setting or a KMS
 * key. Running again does not help, so these are usage errors (exit 2), not remote failures (exit 5).
 */
const SETTING_NAMES = new Set([
  'InvalidStorageClass',
  'InvalidArgument',
  'InvalidRequest',
  'InvalidEncryptionAlgorithmError',
  'KMS.NotFoundException',
  'KMS.DisabledException',
  'AccessControlListNotSupported',
  'UnexpectedContent',
]);

/** Whether S3 said the multipart upload is gone (completed, aborted, or expired by a lifecycle rule). */
export function isNoSuchUpload(error: unknown): boolean {
  return factsOf(error).name === 'NoSuchUpload';
}

/** Whether S3 refused a conditional write because the object exists (If-None-Match: *). */
export function isPreconditionFailed(error: unknown): boolean {
  const { name, status } = factsOf(error);
  return name === 'PreconditionFailed' || status === 412;
}

/** The error's name, or its HTTP status when it has none (an answer to HEAD has no body: the SDK says "Unknown"). */
function answerOf(name: string, status: number | undefined): string {
  return name === '' || name === 'Unknown' ? `HTTP ${String(status)}` : name;
}

/** Exit 7 naming a bucket that does not exist. */
export function missingBucketError(bucket: string, cause: unknown): OutputError {
  return new OutputError('E_OUTPUT_WRITE', `S3 bucket "${bucket}" does not exist`, {
    cause,
    hint: 'Create it, or check the bucket name and the endpoint/region.',
  });
}

/**
 * Maps an S3 SDK error (after the SDK's retries) to the project's typed errors, by name and status, never by message:
 * a missing bucket is exit 7 naming it, access denied exit 4 naming the action, anything else remote (exit 5).
 */
export function mapS3Error(error: unknown, context: { action: S3Action; bucket: string; key?: string }): KvsClipError {
  if (error instanceof KvsClipError) return error;
  const { name, status } = factsOf(error);
  const where = context.key === undefined ? `s3://${context.bucket}` : `s3://${context.bucket}/${context.key}`;
  if (name === 'NoSuchBucket') return missingBucketError(context.bucket, error);
  if (AUTH_NAMES.has(name) || status === 403)
    return new AuthError('E_AUTH', `Access denied: ${context.action} on ${where} (${answerOf(name, status)})`, {
      cause: error,
      hint: `Allow ${context.action} on arn:aws:s3:::${context.bucket}/* for these credentials (see README, S3).`,
    });
  if (SETTING_NAMES.has(name) && status === 400)
    return new UsageError('E_USAGE', `S3 refused ${context.action} on ${where}: ${name} (HTTP 400)`, {
      cause: error,
      hint: 'Check the --s3-* flags (storage class, encryption, KMS key, ACL) against what the bucket accepts.',
    });
  // Without an HTTP status the request got no answer: say what the socket said (connection refused, host not found).
  const what = status === undefined ? describeFailure(error) : name;
  return new RemoteError(
    'E_REMOTE',
    `S3 ${context.action} on ${where} failed: ${what || 'network error'}${status === undefined ? '' : ` (HTTP ${status})`}`,
    {
      cause: error,
      hint: 'Run the same command again: finished parts are kept and only missing ones are uploaded.',
    },
  );
}
