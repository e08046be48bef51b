import { OutputError } from '../errors/output-error.js';

/** Object settings from the `--s3-*` flags. */
export type S3ObjectSettings = {
  readonly storageClass?: string;
  readonly sse?: 'AES256' | 'aws:kms';
  readonly kmsKeyId?: string;
  readonly acl?: string;
};

/** Where an object goes and what it carries (user metadata x-amz-meta-*, the --s3-* settings). */
export type ObjectTarget = {
  readonly bucket: string;
  readonly key: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly settings: S3ObjectSettings;
};

/** The PutObject / CreateMultipartUpload fields every object of kvs-clip gets: Content-Type video/mp4 and so on. */
export function objectHeaders(target: ObjectTarget, extraMetadata: Readonly<Record<string, string>> = {}) {
  const { settings } = target;
  return {
    Bucket: target.bucket,
    Key: target.key,
    ContentType: 'video/mp4',
    Metadata: { ...target.metadata, ...extraMetadata },
    ...(settings.storageClass === undefined ? {} : { StorageClass: settings.storageClass as never }),
    ...(settings.sse === undefined ? {} : { ServerSideEncryption: settings.sse }),
    ...(settings.kmsKeyId === undefined ? {} : { SSEKMSKeyId: settings.kmsKeyId }),
    ...(settings.acl === undefined ? {} : { ACL: settings.acl as never }),
  };
}

/** The exit-7 error for an object that is already there. */
export function objectExistsError(uri: string, cause?: unknown): OutputError {
  return new OutputError('E_OUTPUT_EXISTS', `${uri} already exists`, {
    ...(cause === undefined ? {} : { cause }),
    hint: 'Pass --force to overwrite it, or --skip-existing to leave it.',
  });
}

/** SDK send options: the run's abort signal when there is one. */
export const sendOptions = (signal: AbortSignal | undefined) => (signal === undefined ? {} : { abortSignal: signal });
