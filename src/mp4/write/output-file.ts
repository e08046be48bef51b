/**
 * The file end of the progressive writers: positioned writes through one `FileHandle`, a running append position,
 * and every file-system failure reported as `OutputError('E_OUTPUT_WRITE')` naming the path.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { OutputError } from '../../errors/output-error.js';
import { asOutputError } from './as-output-error.js';
import type { PositionedSink } from './positioned-sink.js';

/** An output file written mostly front to back; `writeAt` patches bytes already laid out. */
export class OutputFile implements PositionedSink {
  /** A local file can be read back and rewritten (faststart). */
  readonly rewritable = true;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    private end: number,
  ) {}

  /** Creates (truncates) `path`. Throws `OutputError('E_OUTPUT_WRITE')`. */
  static async create(path: string): Promise<OutputFile> {
    try {
      return new OutputFile(await open(path, 'w'), path, 0);
    } catch (cause) {
      throw asOutputError(cause, path);
    }
  }

  /**
   * Reopens `path` and truncates it to `length` (a resume). Throws `OutputError('E_OUTPUT_WRITE')` when it cannot be
   * opened or is shorter than `length` (then it is left as it was).
   */
  static async reopen(path: string, length: number): Promise<OutputFile> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r+');
    } catch (cause) {
      throw asOutputError(cause, path);
    }
    try {
      const size = (await handle.stat()).size;
      if (size < length)
        throw new OutputError('E_OUTPUT_WRITE', `Cannot resume ${path}: ${size} bytes, checkpoint says ${length}`);
      await handle.truncate(length);
      return new OutputFile(handle, path, length);
    } catch (cause) {
      await handle.close().catch(() => undefined);
      throw asOutputError(cause, path);
    }
  }

  /** The append position: bytes laid out so far. */
  get position(): number {
    return this.end;
  }

  /** Appends `bytes` (the file is done with them when this resolves, so the caller may reuse the buffer). */
  async append(bytes: Uint8Array): Promise<void> {
    await this.writeAt(bytes, this.end);
  }

  /**
   * Appends `chunks` back to back with one gathered write (`pwritev`); like `append`, the file is done with them
   * when this resolves.
   */
  async appendMany(chunks: readonly Uint8Array[]): Promise<void> {
    const start = this.end;
    let total = 0;
    for (const chunk of chunks) total += chunk.length;
    let written: number;
    try {
      written = (await this.handle.writev(chunks.slice(), start)).bytesWritten;
    } catch (cause) {
      throw asOutputError(cause, this.path);
    }
    // A short gathered write is legal: finish the remainder chunk by chunk.
    let at = start;
    for (const chunk of chunks) {
      const skip = Math.min(chunk.length, Math.max(0, start + written - at));
      if (skip < chunk.length) await this.writeAt(chunk.subarray(skip), at + skip);
      at += chunk.length;
    }
    this.end = Math.max(this.end, start + total);
  }

  /** Writes `bytes` at `position`; moves the append position when it writes past it (leaving a hole if beyond). */
  async writeAt(bytes: Uint8Array, position: number): Promise<void> {
    try {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, position + done);
        done += bytesWritten;
      }
    } catch (cause) {
      throw asOutputError(cause, this.path);
    }
    this.end = Math.max(this.end, position + bytes.length);
  }

  /** Moves the append position forward without writing (the gap reads as zeros once something follows it). */
  skipTo(position: number): void {
    this.end = Math.max(this.end, position);
  }

  /** Flushes the file's data to disk. */
  async datasync(): Promise<void> {
    try {
      await this.handle.datasync();
    } catch (cause) {
      throw asOutputError(cause, this.path);
    }
  }

  async close(): Promise<void> {
    try {
      await this.handle.close();
    } catch (cause) {
      throw asOutputError(cause, this.path);
    }
  }
}
