/**
 * Streams a plan's pieces from a `ByteSource` to a sink in blocks, reading the next block while the previous one is
 * written, so copying runs at close to disk speed with at most two blocks in memory.
 */
import type { ByteSource } from './model.js';
import type { CopyPiece } from './plan-join.js';

/** Largest single read: bounds memory whatever the size of a coalesced range. */
const BLOCK_BYTES = 4 * 1024 * 1024;

/**
 * Copies `pieces` in order into `write`. Rejects with whatever `source.read` or `write` throws (a short read is the
 * source's `MediaError('E_MP4_PARSE')`).
 */
export async function copyPieces(
  source: ByteSource,
  pieces: readonly CopyPiece[],
  write: (bytes: Uint8Array) => Promise<void>,
): Promise<void> {
  const blocks = splitBlocks(pieces);
  let pending: Promise<Uint8Array> | null = null;
  for (let i = 0; i < blocks.length; i++) {
    const current: Promise<Uint8Array> = pending ?? load(source, blocks[i]);
    const next = blocks[i + 1];
    pending = next === undefined ? null : load(source, next);
    // A rejected prefetch must not become an unhandled rejection while we are still writing.
    pending?.catch(() => undefined);
    await write(await current);
  }
}

function load(source: ByteSource, piece: CopyPiece | undefined): Promise<Uint8Array> {
  if (piece === undefined) return Promise.resolve(new Uint8Array(0));
  if (piece.kind === 'bytes') return Promise.resolve(piece.bytes);
  return source.read(piece.offset, piece.length);
}

function splitBlocks(pieces: readonly CopyPiece[]): CopyPiece[] {
  const out: CopyPiece[] = [];
  for (const p of pieces) {
    if (p.kind === 'bytes') {
      out.push(p);
      continue;
    }
    for (let at = 0; at < p.length; at += BLOCK_BYTES) {
      out.push({ kind: 'source', offset: p.offset + at, length: Math.min(BLOCK_BYTES, p.length - at) });
    }
  }
  return out;
}
