/** stsc, ISO/IEC 14496-12 §8.7.4: sample-to-chunk runs; also where an `stsd` entry switch is expressed. */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, fullBox } from './byte-writer.js';
import { readEntryCount } from './table-count.js';

export type Stsc = {
  /** 1-based index of the first chunk of each run. */
  readonly firstChunks: Uint32Array;
  readonly samplesPerChunk: Uint32Array;
  /** 1-based index into `stsd`. */
  readonly sampleDescriptionIndices: Uint32Array;
};

export type StscInput = {
  readonly firstChunks: ArrayLike<number>;
  readonly samplesPerChunk: ArrayLike<number>;
  readonly sampleDescriptionIndices: ArrayLike<number>;
};

/** Parses an `stsc` payload. Throws `E_MP4_PARSE` when truncated or the count exceeds the box. */
export function parseStsc(body: ByteReader): Stsc {
  readFullBoxHeader(body, 0);
  const count = readEntryCount(body, 12, 'stsc');
  const firstChunks = new Uint32Array(count);
  const samplesPerChunk = new Uint32Array(count);
  const sampleDescriptionIndices = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    firstChunks[i] = body.u32();
    samplesPerChunk[i] = body.u32();
    sampleDescriptionIndices[i] = body.u32();
  }
  return { firstChunks, samplesPerChunk, sampleDescriptionIndices };
}

/** Builds an `stsc` box from runs. */
export function buildStsc(stsc: StscInput): Uint8Array {
  const n = stsc.firstChunks.length;
  const w = new ByteWriter(4 + n * 12).u32(n);
  for (let i = 0; i < n; i++) {
    w.u32(stsc.firstChunks[i] ?? 0)
      .u32(stsc.samplesPerChunk[i] ?? 0)
      .u32(stsc.sampleDescriptionIndices[i] ?? 0);
  }
  return fullBox('stsc', 0, 0, w.finish());
}
