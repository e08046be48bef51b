/**
 * The 1 MiB blocks a GetClip body is copied into as it arrives (src/download/part-body.ts), recycled across bodies.
 * Copying a socket chunk on arrival lets it die young: kept until the joiner had copied it, every 64 KB chunk lived
 * past a scavenge, and their external memory drove a mark-compact about every 14 MB (≈ 100 per hour of 100× video).
 * The blocks are also the unit of spool-file writes, so a spooled body leaves in 1 MiB writes, not one per chunk.
 */

/** Size of one block: the spool file's write unit and the granularity of what a body holds in memory. */
export const BLOCK_BYTES = 1024 * 1024;

/** Free blocks kept for reuse; more are left to the allocator (a held body's blocks come back all at once). */
const KEEP_FREE = 8;

const free: Buffer[] = [];

/** A block whose bytes the caller overwrites before reading them (not zero-filled). */
export function takeBlock(): Buffer {
  return free.pop() ?? Buffer.allocUnsafeSlow(BLOCK_BYTES);
}

/** Returns a block nobody reads or writes any more. */
export function giveBlock(block: Buffer): void {
  if (free.length < KEEP_FREE) free.push(block);
}
