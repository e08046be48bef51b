/**
 * Where a long join's full table blocks wait for the moov (docs/joiner.md, "Memory"). A block of stsz, stts or ctts
 * entries that is full is never written again, so the tables builder hands it to a spill and keeps only its stand-in;
 * the moov writer reads it back, one block at a time, when it writes that block. Pure: the spill itself (a scratch
 * file) is passed in by the I/O edge (`write/table-spill-file.ts`).
 */

/**
 * Bytes kept out of memory: their length now, the bytes themselves when they are written out (into `into` when it is
 * long enough, so a writer can reuse one buffer for every block; else into a new array).
 */
export type SpilledBytes = { readonly length: number; read(into?: Uint8Array): Uint8Array };

/** A piece of a box as built: bytes in memory, or spilled ones. */
export type BoxChunk = Uint8Array | SpilledBytes;

/** Takes a full block that will never change again and returns its stand-in (the caller drops the block). */
export type TableSpill = (block: Uint8Array) => SpilledBytes;

/** The bytes of a chunk (read back from the spill when it was spilled). */
export function chunkBytes(chunk: BoxChunk): Uint8Array {
  return chunk instanceof Uint8Array ? chunk : chunk.read();
}

/**
 * Writes `chunks` in order through `write` (given each chunk's bytes and where it starts among them), reading the
 * spilled ones back into one buffer that is reused: `write` must be done with its bytes when it resolves, as a
 * `PositionedSink` is. A day's moov thus reads its ≈ 21 MB of spilled blocks through one 256 KB buffer, instead of
 * leaving a new array per block for the garbage collector.
 */
export async function writeChunks(
  chunks: readonly BoxChunk[],
  write: (bytes: Uint8Array, at: number) => Promise<void>,
): Promise<void> {
  let scratch: Uint8Array | undefined;
  let at = 0;
  for (const chunk of chunks) {
    if (chunk instanceof Uint8Array) await write(chunk, at);
    else {
      if (scratch === undefined || scratch.length < chunk.length) scratch = new Uint8Array(chunk.length);
      await write(chunk.read(scratch), at);
    }
    at += chunk.length;
  }
}
