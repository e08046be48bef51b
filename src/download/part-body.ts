/**
 * One GetClip body while it arrives, readable as a `ByteSource` before it has ended (docs/pipeline.md, "Write
 * once"). Bytes go to the part's spool file (hashed on the way, so a finished spool can be reused on resume) until
 * the joiner starts on the part (`stream()`); from then on they are kept in memory only until the joiner has copied
 * them (`release`), so the head part's payload is written once, into the output. Memory is capped: when the joiner
 * waits for bytes beyond the cap (an unusual layout), the rest is spilled to the spool file and read back from there.
 *
 * Readers and the writer wait on separate signals: a reader that starts waiting wakes only the writer, the writer
 * wakes only the readers once bytes arrived. With one shared signal two readers (the joiner reads block i + 1 while
 * block i is still loading) woke each other in an endless chain of microtasks that starved the event loop, so no
 * socket byte was read again and the get hung (test/download/write-once.e2e.test.ts).
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { MediaError } from '../errors/media-error.js';
import type { ByteSource } from '../mp4/model.js';

/**
 * Bytes a streaming body holds ahead of the joiner before it pushes back on the socket (or spills to the file), unless
 * the caller gives its own cap (`kvs-clip archive` holds far less per stream, docs/archive.md).
 */
export const MEMORY_CAP_BYTES = 16 * 1024 * 1024;
/** The spool writer's buffer: chunks that arrive during one write leave together in one `writev`. */
const WRITE_BUFFER_BYTES = 1024 * 1024;

type Chunk = { readonly offset: number; readonly bytes: Buffer };

/** A spooled-or-streamed body: a `ByteSource` (reads wait for the bytes) fed by the `Writable` from `writable()`. */
export class PartBody implements ByteSource {
  /** Content-Length; -1 until the response headers arrived or when the service sent none. */
  size = -1;
  private handle: FileHandle | null = null;
  private received = 0;
  private hash: Hash | null = createHash('sha256');
  /** Byte ranges written to the spool file, in order (the head before `stream()`, any spill after). */
  private readonly inFile: { start: number; end: number }[] = [];
  private readonly memory: Chunk[] = [];
  private memoryBytes = 0;
  private releasedBelow = 0;
  private streaming = false;
  private ended = false;
  private failure: Error | null = null;
  private readersWaiting = 0;
  /** Readers wait here for bytes, the end or a failure. */
  private readonly arrived = new Signal();
  /** The writer waits here for room in memory, a reader that needs bytes beyond the cap, or a failure. */
  private readonly room = new Signal();

  constructor(
    readonly path: string,
    private readonly memoryCap: number = MEMORY_CAP_BYTES,
  ) {}

  /** The sink the GetClip body is piped into; `contentLength` from the response headers (undefined: unknown). */
  writable(contentLength: number | undefined): Writable {
    this.size = contentLength ?? -1;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the Writable's callbacks feed this body
    const body = this;
    return new Writable({
      highWaterMark: WRITE_BUFFER_BYTES,
      construct(callback) {
        open(body.path, 'w+').then(
          (handle) => {
            body.handle = handle;
            callback();
          },
          (error: Error) => callback(error),
        );
      },
      writev(chunks, callback) {
        body.accept(chunks.map((c) => c.chunk as Buffer)).then(() => callback(), callback);
      },
      final(callback) {
        body.ended = true;
        body.arrived.notify();
        callback();
      },
      destroy(error, callback) {
        if (!body.ended || error !== null) body.fail(error ?? new Error('body closed before its end'));
        callback(error);
      },
    });
  }

  /** Whether every byte went to the spool file (never streamed): then `sha256` is the file's digest. */
  get spooledWhole(): boolean {
    return !this.streaming && this.ended && this.failure === null;
  }

  /** SHA-256 (hex) of the spool file, for a body spooled whole; undefined once it streamed (nothing to reuse). */
  digest(): string | undefined {
    return this.spooledWhole && this.hash !== null ? this.hash.digest('hex') : undefined;
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  /** From now on the bytes still to arrive are kept in memory for the joiner instead of being spooled. */
  stream(): void {
    this.streaming = true;
    this.hash = null;
    this.room.notify();
  }

  /** The joiner needs no byte below `offset` any more (Infinity: none at all, the rest is dropped on arrival). */
  release(offset: number): void {
    if (offset <= this.releasedBelow) return;
    this.releasedBelow = offset;
    while (this.memory.length > 0) {
      const first = this.memory[0] as Chunk;
      if (first.offset + first.bytes.length > offset) break;
      this.memory.shift();
      this.memoryBytes -= first.bytes.length;
    }
    this.room.notify();
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = offset + length;
    this.checkRange(offset, length);
    await this.waitFor(end);
    const only = this.memory.find((c) => c.offset <= offset && end <= c.offset + c.bytes.length);
    if (only !== undefined) return only.bytes.subarray(offset - only.offset, end - only.offset);
    const out = Buffer.allocUnsafe(length);
    await this.fill(out, offset);
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

  /** Closes the spool file handle (the file itself is the caller's). */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => undefined);
  }

  private async accept(chunks: Buffer[]): Promise<void> {
    let bytes = 0;
    for (const chunk of chunks) bytes += chunk.length;
    if (this.releasedBelow === Number.POSITIVE_INFINITY) {
      this.received += bytes;
      this.arrived.notify();
      return;
    }
    while (this.streaming && this.memoryBytes + bytes > this.memoryCap && this.readersWaiting === 0) {
      if (this.failure !== null) throw this.failure;
      await this.room.wait();
    }
    if (this.streaming && this.memoryBytes + bytes <= this.memoryCap) {
      for (const chunk of chunks) {
        this.memory.push({ offset: this.received, bytes: chunk });
        this.received += chunk.length;
      }
      this.memoryBytes += bytes;
    } else await this.spool(chunks, bytes);
    this.arrived.notify();
  }

  private async spool(chunks: Buffer[], bytes: number): Promise<void> {
    if (this.handle === null) throw new Error('spool file closed');
    await this.handle.writev(chunks, this.received);
    for (const chunk of chunks) this.hash?.update(chunk);
    const last = this.inFile[this.inFile.length - 1];
    if (last !== undefined && last.end === this.received) last.end += bytes;
    else this.inFile.push({ start: this.received, end: this.received + bytes });
    this.received += bytes;
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
      this.readersWaiting++;
      this.room.notify();
      try {
        await next;
      } finally {
        this.readersWaiting--;
      }
    }
  }

  /** Copies `[offset, offset + out.length)` from memory and the spool file into `out`. */
  private async fill(out: Uint8Array, offset: number): Promise<void> {
    let at = offset;
    const end = offset + out.length;
    while (at < end) {
      const chunk = this.memory.find((c) => c.offset <= at && at < c.offset + c.bytes.length);
      if (chunk !== undefined) {
        const take = Math.min(end, chunk.offset + chunk.bytes.length) - at;
        chunk.bytes.copy(out, at - offset, at - chunk.offset, at - chunk.offset + take);
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
    this.arrived.notify();
    this.room.notify();
  }
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
