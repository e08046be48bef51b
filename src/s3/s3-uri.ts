import { UsageError } from '../errors/usage-error.js';
import { checkTemplate, renderTemplate, type TemplateFields } from '../output/template.js';

/** An `-o s3://BUCKET/KEY-TEMPLATE` destination: the bucket and the key template (local template syntax). */
export type S3Destination = { readonly bucket: string; readonly keyTemplate: string };

/** Whether an `-o` value names an S3 destination rather than a local path. */
export function isS3Uri(value: string): boolean {
  return value.startsWith('s3://');
}

// S3 bucket naming rules (general purpose buckets): 3–63 characters, lowercase letters, digits, dots and hyphens,
// starting and ending with a letter or digit.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Splits `s3://BUCKET/KEY-TEMPLATE`. Pure. Throws UsageError `E_USAGE` for a bad bucket name, a missing key, a key
 * that names a "directory" (trailing `/`), a `.` or `..` segment, or a template with a syntax error.
 */
export function parseS3Uri(uri: string): S3Destination {
  if (!isS3Uri(uri)) throw new UsageError('E_USAGE', `Not an S3 URI: "${uri}" (expected s3://BUCKET/KEY)`);
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const keyTemplate = slash === -1 ? '' : rest.slice(slash + 1);
  if (!BUCKET.test(bucket))
    throw new UsageError('E_USAGE', `Bad S3 bucket name "${bucket}" in "${uri}"`, {
      hint: 'Bucket names are 3–63 characters: lowercase letters, digits, dots and hyphens.',
    });
  if (keyTemplate === '' || keyTemplate.endsWith('/'))
    throw new UsageError('E_USAGE', `"${uri}" names no object key`, {
      hint: 'Give a key or template, e.g. s3://bucket/{stream}/{start:%Y%m%dT%H%M%SZ}.mp4',
    });
  if (keyTemplate.startsWith('/')) throw new UsageError('E_USAGE', `S3 key in "${uri}" starts with "/"`);
  // S3 itself keeps such a key as it is, but URL handling along the way (s3rver, proxies, `aws s3` and other tools)
  // reads the segment as a step in a path, so the object would not be where the key says.
  const dotted = keyTemplate.split('/').find((segment) => segment === '.' || segment === '..');
  if (dotted !== undefined)
    throw new UsageError('E_USAGE', `S3 key in "${uri}" has a "${dotted}" segment`, {
      hint: 'Name the key without "." or ".." between slashes, e.g. s3://bucket/cams/{stream}/{start:%Y%m%d}.mp4',
    });
  checkTemplate(keyTemplate);
  return { bucket, keyTemplate };
}

/**
 * Renders the object key from the template with the same fields and the same sanitising of substituted values as a
 * local path (so `{stream}` can never add `/` or `..` segments). Pure. Throws UsageError like renderTemplate, or when
 * the key is longer than S3's 1,024 bytes.
 */
export function renderS3Key(destination: S3Destination, fields: TemplateFields): string {
  const key = renderTemplate(destination.keyTemplate, fields);
  if (new TextEncoder().encode(key).length > 1024)
    throw new UsageError('E_USAGE', `S3 key is longer than 1,024 bytes: "${key.slice(0, 60)}…"`);
  return key;
}

/** `s3://bucket/key` for messages, --json and `--exec {}`. */
export function formatS3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
