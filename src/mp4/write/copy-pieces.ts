/**
 * Streams a plan's pieces from a `ByteSource` to a sink in large blocks, reading the next block while the previous
 * one is written, so copying runs at close to disk speed with at most two blocks in memory.
 *
 * The joiner re-chunks (docs/joiner.md, "Rewrite, not concatenation"), so consecutive pieces are short (~700 KB) and
 * not contiguous in the source, though they stay close to each other. One positioned read per piece costs a thread-pool
 * round trip each; instead pieces whose source ranges fall in one window are fetched with a single read and assembled
 * into one output block, which is then written with a single call.
 */
import type { ByteSource } from '../model.js';
import type { CopyPiece } from '../plan/plan-join.js';

/**
 * Largest source window read at once and largest output block: bounds memory whatever the size of the input. 1 MiB
 * stays in the CPU caches between the read into it and the write out of it; 8 MiB blocks measured 1.5-4x slower
 * (2-5x the kernel time) copying 1 GB from the page cache on the 2-core bench VM, more thread-pool round trips
 * notwithstanding.
 */
const BLOCK_BYTES = 1024 * 1024;

/** Source bytes a window may read without using them, beyond as many as it uses (bounds wasted reads to ~half). */
const SLACK_BYTES = 256 * 1024;

/** One output block: `items` in output order, source items addressed inside the window `[from, to)`. */
type Block = { from: number; to: number; outBytes: number; items: CopyPiece[] };

/** A source that can fill a caller's buffer (`FileSource`), so blocks can be read into recycled memory. */
type FillingSource = ByteSource & { readInto(offset: number, target: Uint8Array): Promise<void> };

/**
 * A source that holds its bytes in memory and lends views of them (a GetClip body streamed into the joiner,
 * src/download/part-body.ts), valid until `release` passes them: a gathering sink writes those views as they are.
 */
type LendingSource = ByteSource & { readViews(offset: number, length: number): Promise<Uint8Array[]> };

export type CopyOptions = {
  /**
   * The sink is done with a block's bytes when its `write` promise resolves (a positioned file write, not a stream
   * that may queue them). Lets the copier reuse two output buffers instead of allocating one per block: fresh
   * multi-megabyte buffers cost a page fault per 4 KiB, which measured slower than the copy itself.
   */
  readonly sinkReleasesBytes?: boolean;
  /**
   * A gathering sink (a positioned `writev`): takes each block as views of the source window in output order, so
   * the block is never assembled into an output buffer (one memcpy less per byte, and no output buffers). It is
   * done with the views when its promise resolves, so windows are recycled. `write` is then unused.
   */
  readonly writeGathered?: (chunks: readonly Uint8Array[]) => Promise<void>;
  /**
   * Source windows kept across copies by a writer that copies many parts one after another (the one-pass join, the
   * progressive writer of a get): without, each copy allocates its own two, and a join of a hundred inputs left
   * 200 MiB of 1 MiB windows for the garbage collector, which let them pile up to ≈ 32 MB before freeing any.
   * Only one copy may use them at a time.
   */
  readonly windows?: CopyWindows;
};

/**
 * Copies `pieces` in order into `write`. Rejects with whatever `source.read` or `write` throws (a short read is the
 * source's `MediaError('E_MP4_PARSE')`). Unless `sinkReleasesBytes`, each block passed to `write` is a fresh buffer
 * the sink may keep.
 */
export async function copyPieces(
  source: ByteSource,
  pieces: readonly CopyPiece[],
  write: (bytes: Uint8Array) => Promise<void>,
  options: CopyOptions = {},
): Promise<void> {
  const blocks = planBlocks(pieces);
  const gathered = options.writeGathered;
  if (gathered !== undefined) return copyGathered(source, blocks, gathered, options.windows ?? new CopyWindows());
  const largest = blocks.reduce((max, b) => Math.max(max, b.outBytes, b.to - b.from), 0);
  // Block i + 2 starts loading only after block i was written (and its window consumed), so two of each suffice.
  const windows = options.windows ?? new CopyWindows();
  const outs = options.sinkReleasesBytes === true ? new CopyWindows() : null;
  const loadAt = (i: number): Promise<Uint8Array> => {
    const block = blocks[i];
    if (block === undefined) return Promise.resolve(new Uint8Array(0));
    return load(
      source,
      block,
      windows.get(i, largest),
      outs === null ? () => uninitialized(block.outBytes) : outs.get(i, largest),
    );
  };
  let pending: Promise<Uint8Array> | null = null;
  for (let i = 0; i < blocks.length; i++) {
    const current: Promise<Uint8Array> = pending ?? loadAt(i);
    pending = i + 1 < blocks.length ? loadAt(i + 1) : null;
    // A rejected prefetch must not become an unhandled rejection while we are still writing.
    pending?.catch(() => undefined);
    await write(await current);
  }
}

/** `copyPieces` into a gathering sink: block i + 1 is read while block i is written, two windows in turn. */
async function copyGathered(
  source: ByteSource,
  blocks: readonly Block[],
  write: (chunks: readonly Uint8Array[]) => Promise<void>,
  windows: CopyWindows,
): Promise<void> {
  const largest = blocks.reduce((max, b) => Math.max(max, b.to - b.from), 0);
  const loadAt = (i: number): Promise<Uint8Array[]> => {
    const block = blocks[i];
    return block === undefined ? Promise.resolve([]) : views(source, block, windows.get(i, largest));
  };
  const needed = lowestNeeded(blocks);
  let pending: Promise<Uint8Array[]> | null = null;
  for (let i = 0; i < blocks.length; i++) {
    const current: Promise<Uint8Array[]> = pending ?? loadAt(i);
    pending = i + 1 < blocks.length ? loadAt(i + 1) : null;
    pending?.catch(() => undefined);
    await write(await current);
    // Block i + 1 is loading already: the source may drop what no block from there on reads.
    source.release?.(needed[i + 1] ?? Number.POSITIVE_INFINITY);
  }
}

/** For each block, the lowest source offset it or any later block reads (Infinity when none reads the source). */
function lowestNeeded(blocks: readonly Block[]): number[] {
  const lowest = new Array<number>(blocks.length);
  let min = Number.POSITIVE_INFINITY;
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i] as Block;
    if (block.to > block.from) min = Math.min(min, block.from);
    lowest[i] = min;
  }
  return lowest;
}

/**
 * Reads one block's window (into `window()` when the source can fill a buffer) and returns its items as views; a
 * source that lends views gives its own, so its bytes are not copied into the window first.
 */
async function views(source: ByteSource, block: Block, window: () => Uint8Array): Promise<Uint8Array[]> {
  if (lends(source)) {
    const out: Uint8Array[] = [];
    for (const item of block.items) {
      if (item.kind === 'bytes') out.push(item.bytes);
      else out.push(...(await source.readViews(item.offset, item.length)));
    }
    return out;
  }
  const span = block.to - block.from;
  let bytes: Uint8Array = new Uint8Array(0);
  if (span > 0 && readsInto(source)) {
    bytes = window().subarray(0, span);
    await source.readInto(block.from, bytes);
  } else if (span > 0) bytes = await source.read(block.from, span);
  return block.items.map((item) =>
    item.kind === 'bytes'
      ? item.bytes
      : bytes.subarray(item.offset - block.from, item.offset - block.from + item.length),
  );
}

/**
 * Two lazily allocated buffers used alternately by block index, each grown when a copy needs a larger one (never
 * beyond `BLOCK_BYTES`, the largest window a block reads).
 */
export class CopyWindows {
  private readonly buffers: (Uint8Array | null)[] = [null, null];

  get(index: number, size: number): () => Uint8Array {
    return () => {
      const slot = index % 2;
      const held = this.buffers[slot];
      const buffer = held !== null && held !== undefined && held.length >= size ? held : uninitialized(size);
      this.buffers[slot] = buffer;
      return buffer;
    };
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

/**
 * Reads one block and lays its items out in output order in `out()`. A single-range block is read straight into
 * `out()`; otherwise the window is read (into `window()` when the source can fill a buffer) and sliced.
 */
async function load(
  source: ByteSource,
  block: Block,
  window: () => Uint8Array,
  out: () => Uint8Array,
): Promise<Uint8Array> {
  const target = (): Uint8Array => out().subarray(0, block.outBytes);
  const only = block.items.length === 1 ? block.items[0] : undefined;
  if (only !== undefined && only.kind === 'bytes') return only.bytes;
  const span = block.to - block.from;
  if (only !== undefined && !readsInto(source)) return source.read(block.from, span);
  if (only !== undefined && readsInto(source)) {
    const bytes = target();
    await source.readInto(block.from, bytes);
    return bytes;
  }
  let bytes: Uint8Array = new Uint8Array(0);
  if (span > 0 && readsInto(source)) {
    bytes = window().subarray(0, span);
    await source.readInto(block.from, bytes);
  } else if (span > 0) bytes = await source.read(block.from, span);
  const result = target();
  let at = 0;
  for (const item of block.items) {
    const part =
      item.kind === 'bytes'
        ? item.bytes
        : bytes.subarray(item.offset - block.from, item.offset - block.from + item.length);
    result.set(part, at);
    at += part.length;
  }
  return result;
}

function lends(source: ByteSource): source is LendingSource {
  return 'readViews' in source && typeof source.readViews === 'function';
}

function readsInto(source: ByteSource): source is FillingSource {
  return 'readInto' in source && typeof source.readInto === 'function';
}

/** A buffer every byte of which the caller overwrites: skips the zero fill `new Uint8Array` would do. */
function uninitialized(length: number): Uint8Array {
  const buffer = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}
