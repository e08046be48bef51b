import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors/output-error.js';
import { acquireLock } from '../../src/output/lock.js';

// Another kvs-clip run, reduced to the lock protocol of docs/resume-and-state.md, "Cron state": create STATE.lock with
// O_EXCL holding the pid, print "locked" (or "busy" when the file exists), then stay alive until killed.
const HOLDER = `
const fs = require('node:fs');
try {
  const fd = fs.openSync(process.argv[1], 'wx', 0o600);
  fs.writeSync(fd, process.pid + '\\n');
  fs.closeSync(fd);
  process.stdout.write('locked\\n');
  setInterval(() => {}, 1000);
} catch (error) {
  process.stdout.write(error.code === 'EEXIST' ? 'busy\\n' : 'error ' + error.code + '\\n');
}
`;

let dir: string;
let statePath: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-clip-lock-e2e-'));
  statePath = join(dir, 'cam1.state');
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  await rm(dir, { recursive: true, force: true });
});

async function runHolder(): Promise<{ child: ChildProcess; said: string }> {
  const child = spawn(process.execPath, ['-e', HOLDER, `${statePath}.lock`], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  if (child.stdout === null) throw new Error('no stdout pipe');
  const [chunk]: unknown[] = await once(child.stdout, 'data');
  return { child, said: String(chunk).trim() };
}

describe('acquireLock across processes', () => {
  it('refuses while another live process holds the lock, and takes it over once that process is gone', async () => {
    const { child, said } = await runHolder();
    expect(said).toBe('locked');
    const error = await acquireLock(statePath).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OutputError);
    expect(error).toMatchObject({ code: 'E_LOCKED', exitCode: 7 });
    expect((error as OutputError).message).toContain(`pid ${child.pid}`);

    child.kill('SIGKILL');
    await once(child, 'exit');
    const lock = await acquireLock(statePath);
    expect(await readFile(lock.path, 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
  });

  it('keeps another process out while this process holds the lock', async () => {
    const lock = await acquireLock(statePath);
    const { said } = await runHolder();
    expect(said).toBe('busy');
    await lock.release();
    const { said: afterRelease } = await runHolder();
    expect(afterRelease).toBe('locked');
  });
});
