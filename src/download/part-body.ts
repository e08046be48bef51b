/**
 * One GetClip body while it arrives, readable as a `ByteSource` before it has ended (docs/pipeline.md, "Write
 * once"). A socket chunk is copied on arrival into 1 MiB blocks (block-pool.ts), so it dies young, except while the
 * body streams: the chunk itself is kept then (a borrowed block), and the joiner writes it as it is. The body is in
 * one of three modes:
 * - `hold` (the part next behind the head): blocks stay in memory up to `HOLD_BYTES`, then the socket is pushed back
 *   on until the part reaches the head (`stream()`), for at most `HOLD_MS`; a body that ends meanwhile is written to
 *   its spool file then (spooled whole). So in the usual case its bytes are written once, into the output.
 * - `spool`: blocks go to the spool file as they fill, hashed on the way (a finished spool can be reused on resume).
 *   A held body turns into this when its hold time is over or a reader needs bytes beyond what it holds.
 * - `stream` (the head part, being joined): socket chunks are kept as they are until the joiner has written them
 *   (`release`), no copy; at `STREAM_CAP_BYTES` held (a layout the copier cannot follow in order) further bytes are
 *   copied into blocks again and spill to the spool file.
 * Only a body spooled whole is hashed: a streamed one is never reused, so its hash would be wasted.
 *
 * Readers and the writer wait on separate signals: a reader that starts waiting wakes only the writer, the writer
 * wakes only the readers once bytes arrived. With one shared signal two readers (the joiner reads block i + 1 while
 * block i is still loading) woke each other in an endless chain of microtasks that starved the event loop, so no
 * socket byte was read again and the get hung (test/download/write-once.e2e.test.ts).
 *
 * Long (over 300 lines): the three modes share the block list, the spool file and both signals, and each transition
 * (hold → stream, hold → spool, a spill while streaming, the end) must keep every received byte readable.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { MediaError } from '../errors/media-error.js';
import type { ByteSource } from '../mp4/model.js';
import { spendBodyBytes } from '../runtime/scavenge-budget.js';
import { BLOCK_BYTES, giveBlock, takeBlock } from './block-pool.js';

/**
 * Bytes a streaming body holds ahead of the joiner before it pushes back on the socket (or spills to the file), unless
 * the caller gives its own cap (`kvs-clip archive` holds far less per stream, docs/archive.md).
 */
export const STREAM_CAP_BYTES = 16 * 1024 * 1024;
/**
 * Bytes of socket chunks a streaming body keeps as they are; further chunks are copied into blocks, as in the other
 * modes, up to STREAM_CAP_BYTES. Well below the scavenge budget's 8 MB
 * (src/runtime/scavenge-budget.ts): a chunk then lives through at most one scavenge and dies young. At 16 MiB the
 * body was 8-16 MiB ahead of the joiner most of the time, every chunk lived through two scavenges and was promoted,
 * and their dead memory brought 22-25 mark-compacts per 1 h get instead of 2.
 */
const BORROW_BYTES = 4 * 1024 * 1024;
/** Bytes the part behind the head holds before it pushes back on the socket. */
const HOLD_BYTES = 4 * 1024 * 1024;
/**
 * How long a held body may push back before it spools instead: far below the 30 s default --read-timeout, so a
 * socket held back is never taken for a dead one.
 */
const HOLD_MS = 1000;
/**
 * Bodies holding back at once in this process: a fleet (`archive`) runs several gets, and each held body keeps up to
 * `HOLD_BYTES` in memory where a spooled one keeps nothing; the others spool as before.
 */
const MAX_HOLDING = 2;
let holding = 0;
/** Socket chunks the Writable queues while a block is written or the body holds back (then the socket waits). */
const WRITABLE_BUFFER_BYTES = 128 * 1024;

/**
 * `length` bytes of body from `offset` in `bytes`. A pool block (`borrowed` false) is full (BLOCK_BYTES) unless it is
 * the last one received, or a streamed chunk came after it; a borrowed block is one socket chunk, whole.
 */
type Block = {
  readonly offset: number;
  readonly bytes: Buffer;
  length: number;
  writing: boolean;
  readonly borrowed: boolean;
};
type Mode = 'hold' | 'spool' | 'stream';

/** A spooled-or-streamed body: a `ByteSource` (reads wait for the bytes) fed by the `Writable` from `writable()`. */
export class PartBody implements ByteSource {
  /** Content-Length; -1 until the response headers arrived or when the service sent none. */
  size = -1;
  /** The spool file, opened (created, truncated) on the first write to it: a body that streams never makes one. */
  private handle: FileHandle | null = null;
  private opening: Promise<FileHandle> | null = null;
  private closed = false;
  private received = 0;
  /** Of the spool file from its first byte; null once it cannot be a whole body's digest. */
  private hash: Hash | null = null;
  private hashing = true;
  /** Byte ranges written to the spool file, in order. */
  private readonly inFile: { start: number; end: number }[] = [];
  /** Blocks in memory, in body order (not contiguous after a spill while streaming). */
  private readonly memory: Block[] = [];
  private memoryBytes = 0;
  private releasedBelow = 0;
  private mode: Mode;
  private ended = false;
  private failure: Error | null = null;
  private readersWaiting = 0;
  /** The furthest byte a waiting reader needs (meaningful while `readersWaiting` > 0). */
  private wantedEnd = 0;
  /** Whether this body counts against `MAX_HOLDING` (until it leaves the hold). */
  private holdsSlot: boolean;
  private holdTimer: NodeJS.Timeout | null = null;
  private holdOver = false;
  /** Readers wait here for bytes, the end or a failure. */
  private readonly arrived = new Signal();
  /** The writer waits here for room in memory, a reader that needs bytes beyond it, the head, or a failure. */
  private readonly room = new Signal();

  private readonly streamCap: number;

  /**
   * `hold`: the part is next behind the head (else its bytes are spooled until it reaches the head); `streamCapBytes`:
   * what it may hold ahead of the joiner once it streams (default STREAM_CAP_BYTES).
   */
  constructor(
    readonly path: string,
    options: { readonly hold?: boolean; readonly streamCapBytes?: number } = {},
  ) {
    this.holdsSlot = options.hold === true && holding < MAX_HOLDING;
    if (this.holdsSlot) holding++;
    this.mode = this.holdsSlot ? 'hold' : 'spool';
    this.streamCap = options.streamCapBytes ?? STREAM_CAP_BYTES;
  }

  /** The sink the GetClip body is piped into; `contentLength` from the response headers (undefined: unknown). */
  writable(contentLength: number | undefined): Writable {
    this.size = contentLength ?? -1;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the Writable's callbacks feed this body
    const body = this;
    return new Writable({
      highWaterMark: WRITABLE_BUFFER_BYTES,
      writev(chunks, callback) {
        body.accept(chunks.map((c) => c.chunk as Buffer)).then(() => callback(), callback);
      },
      final(callback) {
        body.finish().then(() => callback(), callback);
      },
      destroy(error, callback) {
        if (!body.ended || error !== null) body.fail(error ?? new Error('body closed before its end'));
        callback(error);
      },
    });
  }

  /** Whether every byte went to the spool file (never streamed): then `sha256` is the file's digest. */
  get spooledWhole(): boolean {
    return this.mode !== 'stream' && this.ended && this.failure === null;
  }

  /** SHA-256 (hex) of the spool file, for a body spooled whole; undefined once it streamed (nothing to reuse). */
  digest(): string | undefined {
    return this.spooledWhole && this.hashing && this.hash !== null ? this.hash.digest('hex') : undefined;
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  /** From now on the bytes still to arrive are kept in memory for the joiner instead of being spooled. */
  stream(): void {
    this.mode = 'stream';
    this.hashing = false;
    this.hash = null;
    this.stopHold();
    this.room.notify();
  }

  /** The joiner needs no byte below `offset` any more (Infinity: none at all, the rest is dropped on arrival). */
  release(offset: number): void {
    if (offset <= this.releasedBelow) return;
    this.releasedBelow = offset;
    const all = offset === Number.POSITIVE_INFINITY;
    while (this.memory.length > 0) {
      const first = this.memory[0] as Block;
      if (!all && (this.filling(first) || first.offset + first.length > offset)) break;
      this.drop(first);
    }
    this.room.notify();
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    // Always a copy: blocks are recycled, so a view into one would change under its holder.
    const out = Buffer.allocUnsafe(length);
    await this.readInto(offset, out);
    return out;
  }

  /**
   * Fills all of `target` from `offset`: the copier reads each block into one of its two reused windows, so a
   * streamed body costs no fresh buffer per block (1.4 GB of them per hour of 100× video otherwise, and the GC work).
   */
  async readInto(offset: number, target: Uint8Array): Promise<void> {
    this.checkRange(offset, target.length);
    await this.waitFor(offset + target.length);
    await this.fill(target, offset);
  }

  /**
   * `[offset, offset + length)` as views into the body's own blocks, once it has arrived: the copier writes them as
   * they are (one memcpy less per byte than `readInto`). A view stays valid until `release` passes it. Bytes that
   * went to the spool file are read into a fresh buffer.
   */
  async readViews(offset: number, length: number): Promise<Uint8Array[]> {
    this.checkRange(offset, length);
    await this.waitFor(offset + length);
    const views: Uint8Array[] = [];
    let at = offset;
    const end = offset + length;
    while (at < end) {
      const block = this.blockAt(at);
      const next = block === undefined ? this.nextInMemory(at, end) : at;
      if (block !== undefined) {
        const take = Math.min(end, block.offset + block.length) - at;
        views.push(block.bytes.subarray(at - block.offset, at - block.offset + take));
        at += take;
        continue;
      }
      const copy = new Uint8Array(next - at);
      await this.fill(copy, at);
      views.push(copy);
      at = next;
    }
    return views;
  }

  /** Closes the spool file handle (the file itself is the caller's) and gives the blocks back. */
  async close(): Promise<void> {
    this.stopHold();
    for (const block of this.memory.slice()) this.drop(block);
    this.closed = true;
    const handle = this.handle ?? (await this.opening?.catch(() => null)) ?? null;
    this.handle = null;
    await handle?.close().catch(() => undefined);
  }

  private async accept(chunks: readonly Buffer[]): Promise<void> {
    for (const chunk of chunks) {
      // Each chunk is dead once copied, dropped or (streaming) written: its memory goes at the next scavenge
      // (docs/pipeline.md, "Garbage collection").
      spendBodyBytes(chunk.length);
      if (this.releasedBelow === Number.POSITIVE_INFINITY) {
        this.received += chunk.length;
        continue;
      }
      if (this.mode === 'stream' && this.roomToBorrow()) {
        this.borrow(chunk);
        continue;
      }
      let at = 0;
      while (at < chunk.length) {
        const tail = await this.blockWithRoom();
        const copied = chunk.copy(tail.bytes, tail.length, at, Math.min(chunk.length, at + BLOCK_BYTES - tail.length));
        tail.length += copied;
        at += copied;
        this.received += copied;
        this.memoryBytes += copied;
      }
    }
    this.wakeReaders();
  }

  /**
   * Whether a streaming body may keep the next chunk as it is: while it holds less than BORROW_BYTES. Beyond that the
   * chunk is copied into a block as in the other modes, up to the stream cap, and spills beyond it (`streamBack`), so
   * a body nobody reads yet still takes in its whole stream cap.
   */
  private roomToBorrow(): boolean {
    if (this.failure !== null) throw this.failure;
    return this.memoryBytes < Math.min(this.streamCap, BORROW_BYTES);
  }

  /**
   * Keeps a streamed socket chunk itself, not a copy: the joiner writes it as it is (`readViews`). A chunk that is a
   * view into a larger buffer is copied into one of its own, so the bytes held stay what `memoryBytes` counts.
   */
  private borrow(chunk: Buffer): void {
    const own = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : Buffer.from(chunk);
    this.memory.push({ offset: this.received, bytes: own, length: own.length, writing: false, borrowed: true });
    this.received += own.length;
    this.memoryBytes += own.length;
  }

  /** Whether `block` still takes bytes: the last block received, a pool block with room. */
  private filling(block: Block): boolean {
    return !block.borrowed && block.length < BLOCK_BYTES && block === this.memory[this.memory.length - 1];
  }

  /** The last block when it has room; else a new one, once the full blocks are where the mode wants them. */
  private async blockWithRoom(): Promise<Block> {
    const last = this.memory[this.memory.length - 1];
    if (last !== undefined && this.filling(last)) return last;
    if (last !== undefined) {
      this.wakeReaders();
      if (this.mode === 'hold') await this.holdBack();
      if (this.mode === 'stream') await this.streamBack(last);
      else if (this.mode === 'spool') await this.writeBlocks(this.unwritten());
    }
    if (this.failure !== null) throw this.failure;
    const block: Block = { offset: this.received, bytes: takeBlock(), length: 0, writing: false, borrowed: false };
    this.memory.push(block);
    return block;
  }

  /** A held body at its cap waits for the head, a starved reader or the end of its hold time; the latter two spool. */
  private async holdBack(): Promise<void> {
    while (this.mode === 'hold' && this.memoryBytes >= HOLD_BYTES && !this.starved() && !this.holdOver) {
      if (this.failure !== null) throw this.failure;
      this.holdTimer ??= setTimeout(() => {
        this.holdOver = true;
        this.room.notify();
      }, HOLD_MS);
      await this.room.wait();
    }
    if (this.mode === 'hold' && this.memoryBytes >= HOLD_BYTES) {
      this.stopHold();
      this.mode = 'spool';
    }
  }

  /** A streaming body at its cap waits for the joiner to release bytes; a starved reader makes it spill `last`. */
  private async streamBack(last: Block): Promise<void> {
    while (this.memoryBytes >= this.streamCap && !this.starved()) {
      if (this.failure !== null) throw this.failure;
      await this.room.wait();
    }
    if (this.memoryBytes >= this.streamCap && this.memory.includes(last)) await this.writeBlocks([last]);
  }

  /** A reader waits for bytes that have not arrived (not merely for a wake-up still on its way). */
  private starved(): boolean {
    return this.readersWaiting > 0 && this.wantedEnd > this.received;
  }

  /** Blocks in memory not in the spool file yet (in spool mode all of them, in order from the file's end). */
  private unwritten(): Block[] {
    const end = this.inFile[this.inFile.length - 1]?.end ?? 0;
    return this.memory.filter((block) => block.offset >= end && !block.writing);
  }

  /** One gathered write of contiguous `blocks` at their offset; they leave memory once the file holds them. */
  private async writeBlocks(blocks: readonly Block[]): Promise<void> {
    const first = blocks[0];
    if (first === undefined) return;
    const handle = await this.spoolFile();
    for (const block of blocks) block.writing = true;
    const views = blocks.map((block) => block.bytes.subarray(0, block.length));
    let bytes = 0;
    for (const view of views) bytes += view.length;
    try {
      let done = 0;
      while (done < bytes) {
        const rest = done === 0 ? views : remainder(views, done);
        done += (await handle.writev(rest, first.offset + done)).bytesWritten;
      }
    } finally {
      for (const block of blocks) block.writing = false;
    }
    this.digestWritten(first.offset, views);
    const last = this.inFile[this.inFile.length - 1];
    if (last !== undefined && last.end === first.offset) last.end += bytes;
    else this.inFile.push({ start: first.offset, end: first.offset + bytes });
    for (const block of blocks) {
      // A block released (or closed) while it was being written comes back to the pool only now.
      if (this.memory.includes(block)) this.drop(block);
      else if (!block.borrowed) giveBlock(block.bytes);
    }
  }

  /** Hashes what was just written, as long as the file holds the body from its first byte in order. */
  private digestWritten(offset: number, views: readonly Uint8Array[]): void {
    if (!this.hashing || this.mode === 'stream') {
      this.hashing = false;
      return;
    }
    const end = this.inFile[this.inFile.length - 1]?.end ?? 0;
    if (offset !== end) {
      this.hashing = false;
      return;
    }
    this.hash ??= createHash('sha256');
    for (const view of views) this.hash.update(view);
  }

  /** The body's end: a body not streaming goes to its spool file whole. */
  private async finish(): Promise<void> {
    this.stopHold();
    if (this.mode !== 'stream' && this.releasedBelow !== Number.POSITIVE_INFINITY) {
      await this.spoolFile();
      await this.writeBlocks(this.unwritten());
    }
    this.ended = true;
    this.arrived.notify();
  }

  /** The spool file, created on first use. Throws once the body is closed, or what `open` throws. */
  private async spoolFile(): Promise<FileHandle> {
    if (this.closed) throw new Error('spool file closed');
    this.opening ??= open(this.path, 'w+').then((handle) => {
      this.handle = handle;
      return handle;
    });
    return this.opening;
  }

  /** Takes `block` out of memory; back to the pool unless a write still reads it (writeBlocks returns it then). */
  private drop(block: Block): void {
    const at = this.memory.indexOf(block);
    if (at < 0) return;
    this.memory.splice(at, 1);
    this.memoryBytes -= block.length;
    if (!block.writing && !block.borrowed) giveBlock(block.bytes);
  }

  private wakeReaders(): void {
    if (this.readersWaiting > 0) this.arrived.notify();
  }

  /** The hold is over (streamed, spooled, ended, failed or closed): its timer and its slot go. */
  private stopHold(): void {
    if (this.holdTimer !== null) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    if (this.holdsSlot) holding--;
    this.holdsSlot = false;
  }

  private checkRange(offset: number, length: number): void {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new MediaError('E_MP4_PARSE', `read of ${length} bytes @ 0x${offset.toString(16)} past the body's end`);
    }
  }

  private async waitFor(end: number): Promise<void> {
    while (this.received < end) {
      if (this.failure !== null) throw this.failure;
      if (this.ended) {
        throw new MediaError('E_MP4_PARSE', `body ended after ${this.received} of ${this.size} bytes`);
      }
      const next = this.arrived.wait();
      if (this.readersWaiting === 0 || end > this.wantedEnd) this.wantedEnd = end;
      this.readersWaiting++;
      this.room.notify();
      try {
        await next;
      } finally {
        this.readersWaiting--;
      }
    }
  }

  /** The block in memory that holds byte `at`, if any (blocks are in body order: a binary search). */
  private blockAt(at: number): Block | undefined {
    let low = 0;
    let high = this.memory.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const block = this.memory[mid] as Block;
      if (at < block.offset) high = mid - 1;
      else if (at >= block.offset + block.length) low = mid + 1;
      else return block;
    }
    return undefined;
  }

  /** Where the next block in memory at or after `at` starts (`end` when none does before it). */
  private nextInMemory(at: number, end: number): number {
    let next = end;
    for (const block of this.memory) if (block.offset > at && block.offset < next) next = block.offset;
    return next;
  }

  /** Copies `[offset, offset + out.length)` from memory and the spool file into `out`. */
  private async fill(out: Uint8Array, offset: number): Promise<void> {
    let at = offset;
    const end = offset + out.length;
    while (at < end) {
      const block = this.blockAt(at);
      if (block !== undefined) {
        const take = Math.min(end, block.offset + block.length) - at;
        block.bytes.copy(out, at - offset, at - block.offset, at - block.offset + take);
        at += take;
        continue;
      }
      const range = this.inFile.find((r) => r.start <= at && at < r.end);
      if (range === undefined || this.handle === null) {
        throw new MediaError('E_MP4_PARSE', `body bytes @ 0x${at.toString(16)} were already released`);
      }
      const take = Math.min(end, range.end) - at;
      const { bytesRead } = await this.handle.read(out, at - offset, take, at);
      if (bytesRead === 0) throw new MediaError('E_MP4_PARSE', `short read of ${this.path} @ 0x${at.toString(16)}`);
      at += bytesRead;
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.stopHold();
    this.arrived.notify();
    this.room.notify();
  }
}

/** `views` without their first `skip` bytes (a short gathered write goes on from there). */
function remainder(views: readonly Uint8Array[], skip: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let left = skip;
  for (const view of views) {
    if (left >= view.length) {
      left -= view.length;
      continue;
    }
    out.push(left > 0 ? view.subarray(left) : view);
    left = 0;
  }
  return out;
}

/** One kind of change: `wait()` settles at the next `notify()` (each round gets a fresh promise). */
class Signal {
  private wake: () => void = () => undefined;
  private next: Promise<void> = this.renew();

  wait(): Promise<void> {
    return this.next;
  }

  notify(): void {
    const wake = this.wake;
    this.next = this.renew();
    wake();
  }

  private renew(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
    });
  }
}
