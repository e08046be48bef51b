/**
 * The resume journal of a progressive join: one JSON line per committed part (its name, start and compact clip
 * index) in `<output>.kvsjoin`, appended and flushed after the part's bytes. The checkpoint then only names the
 * journal and how much of it counts, so it stays a few hundred bytes however long the join, and the joiner does not
 * keep every part's index in memory.
 */
import { open, readFile, rm, type FileHandle } from 'node:fs/promises';
import { UsageError } from '../../errors/usage-error.js';
import { asOutputError } from './as-output-error.js';
import { START_OVER_HINT } from '../plan/join-checkpoint.js';
import type { ClipRecord } from '../read/clip-record.js';

export type JournalEntry = { readonly name: string; readonly startMs?: number; readonly clip: ClipRecord };

/** Append-only journal file. */
export class JoinJournal {
  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    private length: number,
  ) {}

  /** Starts an empty journal at `path`. Throws `OutputError('E_OUTPUT_WRITE')`. */
  static async create(path: string): Promise<JoinJournal> {
    try {
      return new JoinJournal(await open(path, 'w'), path, 0);
    } catch (cause) {
      throw asOutputError(cause, path);
    }
  }

  /**
   * Reads the first `bytes` bytes of the journal at `path`, drops anything after them, and reopens it for appending.
   * Throws `UsageError('E_USAGE')` when the journal is missing, short or unreadable (the checkpoint does not match).
   */
  static async resume(path: string, bytes: number): Promise<{ journal: JoinJournal; entries: JournalEntry[] }> {
    let text: string;
    try {
      const all = await readFile(path);
      if (all.length < bytes) {
        throw new UsageError('E_USAGE', `Resume journal ${path} has ${all.length} bytes, checkpoint says ${bytes}`, {
          hint: START_OVER_HINT,
        });
      }
      text = all.subarray(0, bytes).toString('utf8');
    } catch (cause) {
      if (cause instanceof UsageError) throw cause;
      throw new UsageError('E_USAGE', `Cannot read resume journal ${path}`, { cause, hint: START_OVER_HINT });
    }
    const entries = text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => parseEntry(line, path));
    try {
      const handle = await open(path, 'r+');
      await handle.truncate(bytes);
      return { journal: new JoinJournal(handle, path, bytes), entries };
    } catch (cause) {
      throw asOutputError(cause, path);
    }
  }

  /** Bytes of the journal that are committed. */
  get bytes(): number {
    return this.length;
  }

  /**
   * Appends one part and flushes it (unless `durable` is false: then `sync` does, before a checkpoint names it).
   * Throws `OutputError('E_OUTPUT_WRITE')`.
   */
  async append(entry: JournalEntry, options: { durable?: boolean } = {}): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
    try {
      await this.handle.write(line, 0, line.length, this.length);
      if (options.durable ?? true) await this.handle.datasync();
    } catch (cause) {
      throw asOutputError(cause, this.path);
    }
    this.length += line.length;
  }

  /** Flushes the lines appended so far. Throws `OutputError('E_OUTPUT_WRITE')`. */
  async sync(): Promise<void> {
    try {
      await this.handle.datasync();
    } catch (cause) {
      throw asOutputError(cause, this.path);
    }
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  /** Closes and deletes the journal (after the output is complete). */
  async remove(): Promise<void> {
    await this.close();
    await rm(this.path, { force: true });
  }
}

function parseEntry(line: string, path: string): JournalEntry {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (cause) {
    throw new UsageError('E_USAGE', `Resume journal ${path} is corrupt`, { cause, hint: START_OVER_HINT });
  }
  if (!isEntry(value))
    throw new UsageError('E_USAGE', `Resume journal ${path} has an unexpected entry`, { hint: START_OVER_HINT });
  return value;
}

function isEntry(value: unknown): value is JournalEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v: { name?: unknown; clip?: unknown } = value;
  return typeof v.name === 'string' && typeof v.clip === 'object' && v.clip !== null;
}
