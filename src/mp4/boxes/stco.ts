/** stco/co64, ISO/IEC 14496-12 §8.7.5: chunk offsets, 32-bit or 64-bit. */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, fullBox } from './byte-writer.js';
import { readEntryCount } from './table-count.js';

/** Parses an `stco` payload into absolute offsets. Throws `E_MP4_PARSE` when truncated. */
export function parseStco(body: ByteReader): Float64Array {
  readFullBoxHeader(body, 0);
  const count = readEntryCount(body, 4, 'stco');
  const offsets = new Float64Array(count);
  for (let i = 0; i < count; i++) offsets[i] = body.u32();
  return offsets;
}

/** Parses a `co64` payload. Throws `E_MP4_PARSE` when truncated or an offset exceeds 2^53. */
export function parseCo64(body: ByteReader): Float64Array {
  readFullBoxHeader(body, 0);
  const count = readEntryCount(body, 8, 'co64');
  const offsets = new Float64Array(count);
  for (let i = 0; i < count; i++) offsets[i] = body.u64();
  return offsets;
}

/** Builds `stco`, or `co64` when any offset exceeds 2^32 − 1 (as ffmpeg's `co64_required()` decides). */
export function buildChunkOffsets(offsets: ArrayLike<number>): Uint8Array {
  const n = offsets.length;
  let wide = false;
  for (let i = 0; i < n; i++) if ((offsets[i] ?? 0) > 0xffffffff) wide = true;
  const w = new ByteWriter(4 + n * (wide ? 8 : 4)).u32(n);
  for (let i = 0; i < n; i++) {
    if (wide) w.u64(offsets[i] ?? 0);
    else w.u32(offsets[i] ?? 0);
  }
  return fullBox(wide ? 'co64' : 'stco', 0, 0, w.finish());
}
