import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { OutputError } from '../errors/output-error.js';
import { formatDuration } from '../time/format-duration.js';
import { toOutputError } from './to-output-error.js';

/** A held lock; `release` is idempotent and removes the file only while it still holds this process's pid. */
export type HeldLock = { path: string; release(): Promise<void> };

/**
 * How long a live holder may keep the lock before it is reported as probably stuck (README, "Cron"). Every request
 * is bounded by --connect-timeout/--read-timeout and the retry budget, so a healthy run of a cron-sized window ends
 * well inside it. The lock is still not taken over: the holder is alive and could still write.
 */
export const STUCK_LOCK_AFTER_MS = 60 * 60 * 1000;

// A lock file without a readable pid may be one another process has just created and not yet written.
const UNREADABLE_LOCK_GRACE_MS = 10_000;

function errnoCode(error: unknown): unknown {
  return error instanceof Error && 'code' in error ? error.code : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errnoCode(error) === 'EPERM';
  }
}

async function readPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8');
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(`${process.pid}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw toOutputError(error, path);
  }
}

/** Whether the lock at `path` is stale; reads it once. Missing → stale (the holder just released it). */
async function isStale(path: string, nowMs: number): Promise<{ stale: boolean; holder: string; ageMs: number }> {
  try {
    const pid = await readPid(path);
    const ageMs = Math.max(0, nowMs - (await stat(path)).mtimeMs);
    if (pid !== undefined) return { stale: !isAlive(pid), holder: `pid ${pid}`, ageMs };
    return { stale: ageMs > UNREADABLE_LOCK_GRACE_MS, holder: 'an unknown process', ageMs };
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { stale: true, holder: 'nobody', ageMs: 0 };
    throw toOutputError(error, path);
  }
}

/**
 * Takes a stale lock away atomically: rename it aside, then check that what was renamed is still the stale lock
 * (another run may have replaced it in between); if not, put it back.
 */
async function removeStale(path: string, nowMs: number): Promise<void> {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw toOutputError(error, path);
  }
  if ((await isStale(aside, nowMs)).stale) {
    await unlink(aside);
    return;
  }
  await link(aside, path).catch(() => undefined);
  await unlink(aside);
}

function lockedError(lock: { statePath: string; path: string; holder: string; ageMs: number }): OutputError {
  const age = formatDuration(Math.round(lock.ageMs / 1000) * 1000);
  if (lock.ageMs > STUCK_LOCK_AFTER_MS) {
    return new OutputError(
      'E_LOCKED',
      `State file "${lock.statePath}" is locked by ${lock.holder} for ${age}, longer than a run should take: it may be stuck (${lock.path})`,
      { hint: `check that ${lock.holder} is a hung kvs-clip run, stop it, and run again` },
    );
  }
  return new OutputError(
    'E_LOCKED',
    `State file "${lock.statePath}" is locked by ${lock.holder} for ${age} (${lock.path})`,
    { hint: 'another kvs-clip run is archiving this stream; if none is, delete the lock file' },
  );
}

/**
 * Prevents two runs on the same `--state` file (ux.md §10): creates `STATE.lock` exclusively (O_EXCL, mode 0o600)
 * holding this process's pid. A lock whose pid is gone is stale and taken over; a live one (including one held by
 * this same process) throws OutputError `E_LOCKED` (exit 7). `nowMs` (default: the clock) ages lock files that
 * hold no pid yet. Three runs racing over one stale lock could in theory both win; cron overlaps are not that tight.
 */
export async function acquireLock(statePath: string, options: { nowMs?: number } = {}): Promise<HeldLock> {
  const path = `${statePath}.lock`;
  const nowMs = options.nowMs ?? Date.now();
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (await tryCreate(path)) {
      let released = false;
      return {
        path,
        async release() {
          if (released) return;
          released = true;
          const pid = await readPid(path).catch(() => undefined);
          if (pid === process.pid) await unlink(path).catch(() => undefined);
        },
      };
    }
    const { stale, holder, ageMs } = await isStale(path, nowMs);
    if (!stale) throw lockedError({ statePath, path, holder, ageMs });
    await removeStale(path, nowMs);
  }
  throw new OutputError('E_LOCKED', `Could not take the lock ${path}: other runs keep replacing it`);
}
