/** stsz, ISO/IEC 14496-12 §8.7.3.2: sample sizes, constant (PCM) or per sample. */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, fullBox } from './byte-writer.js';

export type Stsz = {
  /** Constant size of every sample, or 0 when `entrySizes` holds per-sample sizes. */
  readonly sampleSize: number;
  readonly sampleCount: number;
  /** Per-sample sizes; `null` when `sampleSize` is constant. */
  readonly entrySizes: Uint32Array | null;
};

export type StszInput = {
  readonly sampleSize: number;
  readonly sampleCount: number;
  readonly entrySizes: ArrayLike<number> | null;
};

/**
 * Parses an `stsz` payload. A constant size never allocates per-sample storage (an hour of A-law is 28.8 million
 * samples). Throws `E_MP4_PARSE` when truncated or per-sample sizes do not fit the box.
 */
export function parseStsz(body: ByteReader): Stsz {
  readFullBoxHeader(body, 0);
  const sampleSize = body.u32();
  const at = body.offset;
  const sampleCount = body.u32();
  if (sampleSize !== 0) return { sampleSize, sampleCount, entrySizes: null };
  if (sampleCount * 4 > body.remaining) {
    body.fail(`stsz sample count ${sampleCount} needs ${sampleCount * 4} bytes, box has ${body.remaining}`, at);
  }
  const entrySizes = new Uint32Array(sampleCount);
  for (let i = 0; i < sampleCount; i++) entrySizes[i] = body.u32();
  return { sampleSize, sampleCount, entrySizes };
}

/** Builds an `stsz` box: constant when `sampleSize` ≠ 0 (then `entrySizes` is ignored), else per sample. */
export function buildStsz(stsz: StszInput): Uint8Array {
  const sizes = stsz.sampleSize === 0 ? stsz.entrySizes : null;
  const n = sizes === null ? 0 : sizes.length;
  const w = new ByteWriter(8 + n * 4).u32(stsz.sampleSize).u32(sizes === null ? stsz.sampleCount : n);
  for (let i = 0; i < n; i++) w.u32(sizes?.[i] ?? 0);
  return fullBox('stsz', 0, 0, w.finish());
}
