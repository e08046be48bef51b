/** stts, ISO/IEC 14496-12 §8.6.1.2: decoding time to sample, as runs of (count, delta). */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, fullBox } from './byte-writer.js';
import { readEntryCount } from './table-count.js';

export type Stts = {
  readonly sampleCounts: Uint32Array;
  /** Duration of each sample of the run, in the media timescale. */
  readonly sampleDeltas: Uint32Array;
};

/** Input form for `buildStts`: any array-likes of equal length. */
export type SttsInput = { readonly sampleCounts: ArrayLike<number>; readonly sampleDeltas: ArrayLike<number> };

/** Parses an `stts` payload. Throws `E_MP4_PARSE` when truncated or the count exceeds the box. */
export function parseStts(body: ByteReader): Stts {
  readFullBoxHeader(body, 0);
  const count = readEntryCount(body, 8, 'stts');
  const sampleCounts = new Uint32Array(count);
  const sampleDeltas = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    sampleCounts[i] = body.u32();
    sampleDeltas[i] = body.u32();
  }
  return { sampleCounts, sampleDeltas };
}

/** Builds an `stts` box from runs. */
export function buildStts(stts: SttsInput): Uint8Array {
  const n = stts.sampleCounts.length;
  const w = new ByteWriter(4 + n * 8).u32(n);
  for (let i = 0; i < n; i++) w.u32(stts.sampleCounts[i] ?? 0).u32(stts.sampleDeltas[i] ?? 0);
  return fullBox('stts', 0, 0, w.finish());
}
