/**
 * The 1 MiB blocks a GetClip body is copied into as it arrives (src/download/part-body.ts), recycled across bodies:
 * the socket chunk dies young (only a streaming body keeps chunks themselves, up to 4 MiB), and the blocks are the
 * unit of spool-file writes, so a spooled body leaves in 1 MiB writes, not one per 64 KB chunk.
 */

/** Size of one block: the spool file's write unit and the granularity of what a body holds in memory. */
export const BLOCK_BYTES = 1024 * 1024;

/**
 * Free blocks kept for reuse; more are left to the allocator. A streaming head may hold 16 (its cap) and a held body
 * 4 more: with 8 kept, a 1 h get of 100× video allocated 145 fresh blocks, with 24 it allocates 20 and then none.
 */
const KEEP_FREE = 24;

const free: Buffer[] = [];

/** A block whose bytes the caller overwrites before reading them (not zero-filled). */
export function takeBlock(): Buffer {
  return free.pop() ?? Buffer.allocUnsafeSlow(BLOCK_BYTES);
}

/** Returns a block nobody reads or writes any more. */
export function giveBlock(block: Buffer): void {
  if (free.length < KEEP_FREE) free.push(block);
}
