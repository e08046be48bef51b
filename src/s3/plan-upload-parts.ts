/** S3 multipart limits (Amazon S3 User Guide, "Amazon S3 multipart upload limits", read 2026-12). */
export const S3_LIMITS = {
  /** Every part but the last is at least 5 MiB. */
  minPartBytes: 5 * 1024 * 1024,
  maxPartBytes: 5 * 1024 * 1024 * 1024,
  maxParts: 10_000,
  maxObjectBytes: 5 * 1024 ** 4,
} as const;

/** Default part size: large enough for few requests, small enough for constant, modest memory per part in flight. */
export const DEFAULT_PART_BYTES = 16 * 1024 * 1024;

/** One part of a multipart upload: its number (1-based) and the byte range of the object it carries. */
export type UploadPart = { readonly partNumber: number; readonly offset: number; readonly sizeBytes: number };

/** How an object of a known size goes up: one PutObject, or multipart with these parts. */
export type UploadPlan =
  | { readonly kind: 'single'; readonly sizeBytes: number }
  | { readonly kind: 'multipart'; readonly partBytes: number; readonly parts: readonly UploadPart[] };

const MIB = 1024 * 1024;

/**
 * The part size for an object of about `plannedBytes`: the default, grown in whole MiB until the object fits in
 * 10,000 parts. Pure. Throws RangeError when the object is over S3's 5 TiB or the size is not a whole number ≥ 0.
 */
export function choosePartBytes(plannedBytes: number, options: { preferredBytes?: number } = {}): number {
  if (!Number.isSafeInteger(plannedBytes) || plannedBytes < 0)
    throw new RangeError(`planned size must be a whole number of bytes, got ${plannedBytes}`);
  if (plannedBytes > S3_LIMITS.maxObjectBytes)
    throw new RangeError(`${plannedBytes} bytes is over S3's 5 TiB object limit`);
  const preferred = Math.max(S3_LIMITS.minPartBytes, options.preferredBytes ?? DEFAULT_PART_BYTES);
  const needed = Math.ceil(Math.ceil(plannedBytes / S3_LIMITS.maxParts) / MIB) * MIB;
  return Math.min(S3_LIMITS.maxPartBytes, Math.max(preferred, needed));
}

/**
 * Plans the upload of an object of `sizeBytes`: below the multipart minimum (one 5 MiB part) a single PutObject,
 * else parts of choosePartBytes(size) with the remainder in the last part. Pure; the result always satisfies S3's
 * rules (parts ≥ 5 MiB except the last, ≤ 10,000 parts, ≤ 5 GiB each). Throws RangeError like choosePartBytes.
 */
export function planUpload(sizeBytes: number, options: { preferredBytes?: number } = {}): UploadPlan {
  const partBytes = choosePartBytes(sizeBytes, options);
  if (sizeBytes < S3_LIMITS.minPartBytes) return { kind: 'single', sizeBytes };
  const parts: UploadPart[] = [];
  for (let offset = 0, partNumber = 1; offset < sizeBytes; offset += partBytes, partNumber += 1)
    parts.push({ partNumber, offset, sizeBytes: Math.min(partBytes, sizeBytes - offset) });
  return { kind: 'multipart', partBytes, parts };
}
