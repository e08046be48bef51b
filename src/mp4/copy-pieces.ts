/**
 * Streams a plan's pieces from a `ByteSource` to a sink in large blocks, reading the next block while the previous
 * one is written, so copying runs at close to disk speed with at most two blocks in memory.
 *
 * The joiner re-chunks (mp4-join.md §3), so consecutive pieces are short (~700 KB) and not contiguous in the source,
 * though they stay close to each other. One positioned read per piece costs a thread-pool round trip each; instead
 * pieces whose source ranges fall in one window are fetched with a single read and assembled into one output block,
 * which is then written with a single call.
 */
import type { ByteSource } from './model.js';
import type { CopyPiece } from './plan-join.js';

/** Largest source window read at once and largest output block: bounds memory whatever the size of the input. */
const BLOCK_BYTES = 8 * 1024 * 1024;

/** Source bytes a window may read without using them, beyond as many as it uses (bounds wasted reads to ~half). */
const SLACK_BYTES = 1024 * 1024;

/** One output block: `items` in output order, source items addressed inside the window `[from, to)`. */
type Block = { from: number; to: number; outBytes: number; items: CopyPiece[] };

/**
 * Copies `pieces` in order into `write`. Rejects with whatever `source.read` or `write` throws (a short read is the
 * source's `MediaError('E_MP4_PARSE')`). Each block passed to `write` is a fresh buffer the sink may keep.
 */
export async function copyPieces(
  source: ByteSource,
  pieces: readonly CopyPiece[],
  write: (bytes: Uint8Array) => Promise<void>,
): Promise<void> {
  const blocks = planBlocks(pieces);
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

/** Groups pieces (split to at most `BLOCK_BYTES` each) into blocks of one window read each, keeping their order. */
function planBlocks(pieces: readonly CopyPiece[]): Block[] {
  const blocks: Block[] = [];
  let block: Block | null = null;
  for (const piece of splitPieces(pieces)) {
    if (piece.kind === 'bytes') {
      if (block === null || block.outBytes + piece.bytes.length > BLOCK_BYTES) {
        block = { from: 0, to: 0, outBytes: 0, items: [] };
        blocks.push(block);
      }
      block.items.push(piece);
      block.outBytes += piece.bytes.length;
      continue;
    }
    if (block === null || !fits(block, piece)) {
      block = { from: piece.offset, to: piece.offset, outBytes: 0, items: [] };
      blocks.push(block);
    }
    const empty = block.from === block.to;
    block.from = empty ? piece.offset : Math.min(block.from, piece.offset);
    block.to = empty ? piece.offset + piece.length : Math.max(block.to, piece.offset + piece.length);
    block.items.push(piece);
    block.outBytes += piece.length;
  }
  return blocks;
}

function fits(block: Block, piece: { offset: number; length: number }): boolean {
  const outBytes = block.outBytes + piece.length;
  if (outBytes > BLOCK_BYTES) return false;
  if (block.from === block.to) return true;
  const span = Math.max(block.to, piece.offset + piece.length) - Math.min(block.from, piece.offset);
  return span <= BLOCK_BYTES && span - outBytes <= Math.max(SLACK_BYTES, outBytes);
}

function* splitPieces(pieces: readonly CopyPiece[]): Generator<CopyPiece> {
  for (const p of pieces) {
    if (p.kind === 'bytes') {
      if (p.bytes.length > 0) yield p;
      continue;
    }
    for (let at = 0; at < p.length; at += BLOCK_BYTES) {
      yield { kind: 'source', offset: p.offset + at, length: Math.min(BLOCK_BYTES, p.length - at) };
    }
  }
}

async function load(source: ByteSource, block: Block | undefined): Promise<Uint8Array> {
  if (block === undefined) return new Uint8Array(0);
  const window = block.to > block.from ? await source.read(block.from, block.to - block.from) : new Uint8Array(0);
  const only = block.items.length === 1 ? block.items[0] : undefined;
  if (only !== undefined) return only.kind === 'bytes' ? only.bytes : window;
  const out = uninitialized(block.outBytes);
  let at = 0;
  for (const item of block.items) {
    const bytes = item.kind === 'bytes' ? item.bytes : window.subarray(item.offset - block.from, item.offset - block.from + item.length);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** A buffer every byte of which the caller overwrites: skips the zero fill `new Uint8Array` would do. */
function uninitialized(length: number): Uint8Array {
  const buffer = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}
