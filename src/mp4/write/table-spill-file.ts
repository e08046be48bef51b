/**
 * The scratch file a progressive join's full table blocks go to (`<output>.kvstables`, next to the journal;
 * docs/joiner.md, "Memory"). It is created (private, truncated) only when the first block is spilled, so a short join
 * never makes one. Blocks are appended with synchronous writes, because the tables builder that fills them is
 * synchronous (a 256 KB block lands in the page cache in well under a millisecond), and read back one at a time,
 * also synchronously, while the moov is written. The file is scratch: a resumed join rebuilds its tables from the
 * journal into a fresh one, and `close` removes it.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { OutputError } from '../../errors/output-error.js';
import type { TableSpill } from '../plan/table-spill.js';
import { asOutputError } from './as-output-error.js';

export class TableSpillFile {
  private size = 0;
  private fd: number | null = null;
  private closed = false;

  constructor(readonly path: string) {}

  /** The spill to hand to the tables: appends a block, returns its stand-in. Throws `OutputError` (ENOSPC, …). */
  readonly spill: TableSpill = (block) => {
    const at = this.size;
    const length = block.length;
    try {
      const fd = this.handle(true);
      for (let done = 0; done < block.length;) done += writeSync(fd, block, done, block.length - done, at + done);
    } catch (cause) {
      throw asOutputError(cause, this.path);
    }
    this.size += length;
    // The stand-in must not capture `block`: dropping the block is the point of spilling it.
    return { length, read: (into) => this.read(at, length, into) };
  };

  /** Closes and removes the file, if one was made (idempotent). */
  close(): void {
    this.closed = true;
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      closeSync(fd);
    } finally {
      rmSync(this.path, { force: true });
    }
  }

  private read(at: number, length: number, into: Uint8Array | undefined): Uint8Array {
    const bytes = into !== undefined && into.length >= length ? into.subarray(0, length) : new Uint8Array(length);
    let done = 0;
    try {
      const fd = this.handle(false);
      while (done < length) {
        const n = readSync(fd, bytes, done, length - done, at + done);
        if (n === 0) break;
        done += n;
      }
    } catch (cause) {
      throw asOutputError(cause, this.path);
    }
    if (done < length)
      throw new OutputError('E_OUTPUT_WRITE', `Cannot read back ${this.path}: it is shorter than written`);
    return bytes;
  }

  private handle(create: boolean): number {
    if (this.closed) throw new OutputError('E_OUTPUT_WRITE', `${this.path} was closed while the join needed it`);
    if (this.fd === null) {
      if (!create) throw new OutputError('E_OUTPUT_WRITE', `Cannot read back ${this.path}: nothing was written`);
      this.fd = openSync(this.path, 'w+', 0o600);
    }
    return this.fd;
  }
}
