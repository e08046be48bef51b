/** stss, ISO/IEC 14496-12 §8.6.2: sync sample (keyframe) numbers, 1-based. Absent = every sample is sync. */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, fullBox } from './byte-writer.js';
import { readEntryCount } from './table-count.js';

/** Parses an `stss` payload into 1-based sample numbers. Throws `E_MP4_PARSE` when truncated. */
export function parseStss(body: ByteReader): Uint32Array {
  readFullBoxHeader(body, 0);
  const count = readEntryCount(body, 4, 'stss');
  const numbers = new Uint32Array(count);
  for (let i = 0; i < count; i++) numbers[i] = body.u32();
  return numbers;
}

/** Builds an `stss` box from 1-based sample numbers. */
export function buildStss(sampleNumbers: ArrayLike<number>): Uint8Array {
  const n = sampleNumbers.length;
  const w = new ByteWriter(4 + n * 4).u32(n);
  for (let i = 0; i < n; i++) w.u32(sampleNumbers[i] ?? 0);
  return fullBox('stss', 0, 0, w.finish());
}
