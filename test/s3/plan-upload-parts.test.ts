import { describe, expect, it } from 'vitest';
import { choosePartBytes, DEFAULT_PART_BYTES, planUpload, S3_LIMITS } from '../../src/s3/plan-upload-parts.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

function checkS3Rules(sizeBytes: number): void {
  const plan = planUpload(sizeBytes);
  if (plan.kind === 'single') {
    expect(sizeBytes).toBeLessThan(S3_LIMITS.minPartBytes);
    return;
  }
  const { parts } = plan;
  expect(parts.length).toBeLessThanOrEqual(S3_LIMITS.maxParts);
  expect(parts.map((part) => part.partNumber)).toEqual(parts.map((_, i) => i + 1));
  let offset = 0;
  for (const [i, part] of parts.entries()) {
    expect(part.offset).toBe(offset);
    expect(part.sizeBytes).toBeLessThanOrEqual(S3_LIMITS.maxPartBytes);
    if (i < parts.length - 1) expect(part.sizeBytes).toBeGreaterThanOrEqual(S3_LIMITS.minPartBytes);
    expect(part.sizeBytes).toBeGreaterThan(0);
    offset += part.sizeBytes;
  }
  expect(offset).toBe(sizeBytes);
}

describe('planUpload', () => {
  it('sends an object under the 5 MiB multipart minimum in one PutObject', () => {
    expect(planUpload(0)).toEqual({ kind: 'single', sizeBytes: 0 });
    expect(planUpload(5 * MIB - 1)).toEqual({ kind: 'single', sizeBytes: 5 * MIB - 1 });
  });

  it('uploads exactly 5 MiB as one multipart part', () => {
    expect(planUpload(5 * MIB)).toEqual({
      kind: 'multipart',
      partBytes: DEFAULT_PART_BYTES,
      parts: [{ partNumber: 1, offset: 0, sizeBytes: 5 * MIB }],
    });
  });

  it('cuts a 100 MiB object into 16 MiB parts with the remainder last', () => {
    const plan = planUpload(100 * MIB);
    if (plan.kind !== 'multipart') throw new Error('expected multipart');
    expect(plan.parts).toHaveLength(7);
    expect(plan.parts.at(-1)).toEqual({ partNumber: 7, offset: 96 * MIB, sizeBytes: 4 * MIB });
  });

  it('keeps every part but the last at least 5 MiB, all within 10,000 parts, for sizes up to 5 TiB', () => {
    for (const size of [
      5 * MIB,
      5 * MIB + 1,
      16 * MIB,
      16 * MIB + 1,
      3 * GIB + 7,
      156 * GIB + 1,
      157 * GIB,
      1024 * GIB,
      S3_LIMITS.maxObjectBytes,
    ])
      checkS3Rules(size);
  });

  it('uses exactly 10,000 parts when the object needs the largest part count', () => {
    const plan = planUpload(10_000 * 17 * MIB);
    if (plan.kind !== 'multipart') throw new Error('expected multipart');
    expect(plan.partBytes).toBe(17 * MIB);
    expect(plan.parts).toHaveLength(10_000);
  });

  it('takes a smaller preferred part size, but never below the 5 MiB minimum', () => {
    const plan = planUpload(12 * MIB, { preferredBytes: 1 });
    if (plan.kind !== 'multipart') throw new Error('expected multipart');
    expect(plan.parts.map((part) => part.sizeBytes)).toEqual([5 * MIB, 5 * MIB, 2 * MIB]);
  });
});

describe('choosePartBytes', () => {
  it('grows the part size in whole MiB once 16 MiB parts would exceed 10,000 parts', () => {
    expect(choosePartBytes(10_000 * 16 * MIB)).toBe(16 * MIB);
    expect(choosePartBytes(10_000 * 16 * MIB + 1)).toBe(17 * MIB);
  });

  it('uses parts of about 525 MiB for a 5 TiB object', () => {
    expect(choosePartBytes(S3_LIMITS.maxObjectBytes)).toBe(525 * MIB);
  });

  it('refuses objects over 5 TiB and sizes that are not whole bytes', () => {
    expect(() => choosePartBytes(S3_LIMITS.maxObjectBytes + 1)).toThrow(/5 TiB/);
    expect(() => choosePartBytes(-1)).toThrow(RangeError);
    expect(() => choosePartBytes(1.5)).toThrow(RangeError);
  });
});
