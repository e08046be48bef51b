import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors/output-error.js';
import { acquireLock } from '../../src/output/lock.js';

let dir: string;
let statePath: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-clip-lock-'));
  statePath = join(dir, 'cam1.state');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function lockedError(promise: Promise<unknown>): Promise<OutputError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutputError) return error;
    throw error;
  }
  throw new Error('expected E_LOCKED');
}

// A pid that no process has: above Linux's pid_max (4 194 304).
const DEAD_PID = 99_999_999;

describe('acquireLock', () => {
  it('creates STATE.lock holding the pid and removes it on release', async () => {
    const lock = await acquireLock(statePath);
    expect(lock.path).toBe(`${statePath}.lock`);
    expect(await readFile(lock.path, 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a second acquirer while the first holds the lock, and allows it after release', async () => {
    const first = await acquireLock(statePath);
    const error = await lockedError(acquireLock(statePath));
    expect(error.code).toBe('E_LOCKED');
    expect(error.exitCode).toBe(7);
    expect(error.message).toContain(`pid ${process.pid}`);
    await first.release();
    const second = await acquireLock(statePath);
    await second.release();
  });

  it('takes over a stale lock whose pid is gone', async () => {
    await writeFile(`${statePath}.lock`, `${DEAD_PID}\n`);
    const lock = await acquireLock(statePath);
    expect(await readFile(lock.path, 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('treats a fresh lock without a pid as live (it may be mid-creation) and an old one as stale', async () => {
    const path = `${statePath}.lock`;
    await writeFile(path, '');
    const now = Date.now();
    expect((await lockedError(acquireLock(statePath, { nowMs: now }))).code).toBe('E_LOCKED');
    await utimes(path, new Date(now - 60_000), new Date(now - 60_000));
    const lock = await acquireLock(statePath, { nowMs: now });
    await lock.release();
  });

  it('does not remove a lock that another run took over', async () => {
    const lock = await acquireLock(statePath);
    await writeFile(lock.path, `${DEAD_PID}\n`);
    await lock.release();
    expect(await readFile(lock.path, 'utf8')).toBe(`${DEAD_PID}\n`);
  });
});
