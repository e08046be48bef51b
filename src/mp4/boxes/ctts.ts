/** ctts, ISO/IEC 14496-12 §8.6.1.3: composition offset (CTS − DTS) runs. */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, fullBox } from './byte-writer.js';
import { readEntryCount } from './table-count.js';

export type Ctts = {
  readonly sampleCounts: Uint32Array;
  /**
   * Signed offsets. Version 0 declares them unsigned, but encoders write two's-complement negatives there too, so
   * both versions are read as signed 32-bit (as ffmpeg does).
   */
  readonly sampleOffsets: Int32Array;
};

export type CttsInput = { readonly sampleCounts: ArrayLike<number>; readonly sampleOffsets: ArrayLike<number> };

/** Parses a `ctts` payload (version 0 or 1). Throws `E_MP4_PARSE` when truncated or the count exceeds the box. */
export function parseCtts(body: ByteReader): Ctts {
  readFullBoxHeader(body);
  const count = readEntryCount(body, 8, 'ctts');
  const sampleCounts = new Uint32Array(count);
  const sampleOffsets = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    sampleCounts[i] = body.u32();
    sampleOffsets[i] = body.i32();
  }
  return { sampleCounts, sampleOffsets };
}

/** Builds a `ctts` box: version 0, or version 1 when any offset is negative. */
export function buildCtts(ctts: CttsInput): Uint8Array {
  const n = ctts.sampleCounts.length;
  let version = 0;
  for (let i = 0; i < n; i++) if ((ctts.sampleOffsets[i] ?? 0) < 0) version = 1;
  const w = new ByteWriter(4 + n * 8).u32(n);
  for (let i = 0; i < n; i++) w.u32(ctts.sampleCounts[i] ?? 0).i32(ctts.sampleOffsets[i] ?? 0);
  return fullBox('ctts', version, 0, w.finish());
}
