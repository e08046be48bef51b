/**
 * Guard for table boxes: a 32-bit entry count is checked against the bytes actually present before anything is
 * allocated, so a hostile `0xffffffff` cannot ask for gigabytes.
 */
import type { ByteReader } from '../read/byte-reader.js';

/** Reads an entry count and throws `E_MP4_PARSE` unless `count × entrySize` bytes follow. */
export function readEntryCount(body: ByteReader, entrySize: number, box: string): number {
  const at = body.offset;
  const count = body.u32();
  if (count * entrySize > body.remaining) {
    body.fail(`${box} entry count ${count} needs ${count * entrySize} bytes, box has ${body.remaining}`, at);
  }
  return count;
}
