/** stsd, ISO/IEC 14496-12 §8.5.2: sample descriptions (entries kept as raw boxes; see sample-entry.ts). */
import { readFullBoxHeader, type BoxView, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, concatBytes, fullBox } from './byte-writer.js';

/**
 * Parses an `stsd` payload into its entry boxes (views with their own readers). Throws `E_MP4_PARSE` when the
 * entry count disagrees with the boxes found or is zero.
 */
export function parseStsd(body: ByteReader): BoxView[] {
  readFullBoxHeader(body, 0);
  const count = body.u32();
  const entries = body.boxes();
  if (count === 0 || entries.length !== count) body.fail(`stsd says ${count} entries, found ${entries.length}`);
  return entries;
}

/** Builds `stsd` from verbatim entry boxes (each with its 8-byte header, e.g. `SampleEntry.raw`). */
export function buildStsd(rawEntries: readonly Uint8Array[]): Uint8Array {
  return fullBox('stsd', 0, 0, new ByteWriter(4).u32(rawEntries.length).finish(), concatBytes(rawEntries));
}
