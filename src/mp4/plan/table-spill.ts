/**
 * Where a long join's full table blocks wait for the moov (docs/joiner.md, "Memory"). A block of stsz, stts or ctts
 * entries that is full is never written again, so the tables builder hands it to a spill and keeps only its stand-in;
 * the moov writer reads it back, one block at a time, when it writes that block. Pure: the spill itself (a scratch
 * file) is passed in by the I/O edge (`write/table-spill-file.ts`).
 */

/** Bytes kept out of memory: their length now, the bytes themselves when they are written out. */
export type SpilledBytes = { readonly length: number; read(): Uint8Array };

/** A piece of a box as built: bytes in memory, or spilled ones. */
export type BoxChunk = Uint8Array | SpilledBytes;

/** Takes a full block that will never change again and returns its stand-in (the caller drops the block). */
export type TableSpill = (block: Uint8Array) => SpilledBytes;

/** The bytes of a chunk (read back from the spill when it was spilled). */
export function chunkBytes(chunk: BoxChunk): Uint8Array {
  return chunk instanceof Uint8Array ? chunk : chunk.read();
}
