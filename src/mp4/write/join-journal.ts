/**
 * The resume journal of a progressive join: one JSON line per committed part (its name, start and compact clip
 * index) in `<output>.kvsjoin`, appended and flushed after the part's bytes. The checkpoint then only names the
 * journal and how much of it counts, so it stays a few hundred bytes however long the join, and the joiner does not
 * keep every part's index in memory.
 */
import { createReadStream } from 'node:fs';
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
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
   * Replays the first `bytes` bytes of the journal at `path` one entry at a time into `replay` (read line by line,
   * so memory does not grow with the number of parts: a 24 h journal is tens of MB of JSON), drops anything after
   * them, and reopens it for appending. Returns the journal and how many entries were replayed. Throws
   * `UsageError('E_USAGE')` when the journal is missing, short, unreadable or corrupt (the checkpoint does not
   * match); what `replay` throws is passed on.
   */
  static async resume(
    path: string,
    bytes: number,
    replay: (entry: JournalEntry) => void,
  ): Promise<{ journal: JoinJournal; entries: number }> {
    const entries = await replayLines(path, bytes, replay);
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

/** Feeds each line of the journal's first `bytes` bytes, parsed, to `replay`; returns how many there were. */
async function replayLines(path: string, bytes: number, replay: (entry: JournalEntry) => void): Promise<number> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (cause) {
    throw new UsageError('E_USAGE', `Cannot read resume journal ${path}`, { cause, hint: START_OVER_HINT });
  }
  if (size < bytes) {
    throw new UsageError('E_USAGE', `Resume journal ${path} has ${size} bytes, checkpoint says ${bytes}`, {
      hint: START_OVER_HINT,
    });
  }
  if (bytes === 0) return 0;
  let count = 0;
  const lines = createInterface({ input: createReadStream(path, { start: 0, end: bytes - 1 }), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line === '') continue;
      replay(parseEntry(line, path));
      count++;
    }
  } catch (cause) {
    if (cause instanceof UsageError || !isReadFailure(cause)) throw cause;
    throw new UsageError('E_USAGE', `Cannot read resume journal ${path}`, { cause, hint: START_OVER_HINT });
  } finally {
    lines.close();
  }
  return count;
}

/** A file-system failure while reading (as opposed to an error thrown by the replay). */
function isReadFailure(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException | undefined)?.code === 'string' && 'syscall' in (error as object);
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
