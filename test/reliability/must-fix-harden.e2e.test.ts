/**
 * Issue 11's must-fix items through the built CLI, each a command line that misbehaved before: special files under
 * -o, silent endpoints and stuck locks, broken stdout/stderr, the npm ci quick start, non-MP4 bodies, and mistakes
 * that used to be reported as bugs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { PACKAGE_ROOT } from '../support/spawn-cli.js';
import { runShell, snapshotTree, stderrProblems, treeChanges } from '../support/shell-cli.js';
import { startSilentEndpoint, type SilentEndpoint } from '../support/silent-endpoint.js';
import { baseEmulatorOptions, cliEnv, rangeArgs, STREAM, workDir } from './reliability-fixture.js';

const isRoot = process.getuid?.() === 0;
const R = rangeArgs(2).join(' ');
let emu: RunningEmulator;
let moto: RunningEmulator;
let silent: SilentEndpoint;
let silentUrl: string;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  emu = await startEmulator(baseEmulatorOptions({ quotas: false }));
  moto = await startEmulator(
    baseEmulatorOptions({ quotas: false, faults: [{ op: 'GetClip', action: { kind: 'moto' } }] }),
  );
  // Accepts every connection and never answers: the endpoint that used to hang get and streams for good.
  silent = await startSilentEndpoint();
  silentUrl = silent.url;
});

afterAll(async () => {
  await silent.close();
  await emu.close();
  await moto.close();
  for (const cleanup of cleanups) cleanup();
});

function setup(label: string): { dir: string; env: Record<string, string> } {
  const { dir, cleanup } = workDir(label);
  cleanups.push(cleanup);
  const home = join(dir, '.home');
  const scratch = join(dir, '.tmp');
  mkdirSync(home);
  mkdirSync(scratch);
  const out = join(dir, 'o');
  mkdirSync(out);
  return { dir: out, env: cliEnv(home, { extra: { TMPDIR: scratch } }) };
}

describe('must-fix 1: special files under -o are written into, never replaced', () => {
  it.runIf(isRoot)('writes into a character device like /dev/null with --force and leaves it a device', async () => {
    const { dir, env } = setup('mf1-null');
    execFileSync('mknod', [join(dir, 'null'), 'c', '1', '3']);
    const before = snapshotTree(dir);
    const r = await runShell(`$K get ${STREAM} ${R} --endpoint-url ${emu.url} -o null --force -q`, { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(join(dir, 'null')).isCharacterDevice()).toBe(true);
    expect(treeChanges(before, snapshotTree(dir), ['null'])).toEqual([]);
  });

  it.runIf(isRoot)('exits 7 with one line for a full device and leaves it a device, --force or not', async () => {
    const { dir, env } = setup('mf1-full');
    execFileSync('mknod', [join(dir, 'full'), 'c', '1', '7']);
    const before = snapshotTree(dir);
    for (const force of ['', '--force']) {
      const r = await runShell(`$K get ${STREAM} ${R} --endpoint-url ${emu.url} -o full ${force}`, { cwd: dir, env });
      expect(r.code, r.stderr).toBe(7);
      expect(r.stderr).toContain('no space left on device (ENOSPC)');
      expect(stderrProblems(r.stderr.slice(r.stderr.indexOf('kvs-clip: ')))).toEqual([]);
      expect(statSync(join(dir, 'full')).isCharacterDevice()).toBe(true);
    }
    expect(treeChanges(before, snapshotTree(dir), ['full'])).toEqual([]);
  });

  it('streams the MP4 into a FIFO that a reader drains, and the FIFO stays a FIFO', async () => {
    const { dir, env } = setup('mf1-fifo');
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    const r = await runShell(
      `cat pipe > ../got.mp4 & $K get ${STREAM} ${R} --endpoint-url ${emu.url} -o pipe --force -q; rc=$?; wait; exit $rc`,
      { cwd: dir, env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(join(dir, 'pipe')).isFIFO()).toBe(true);
    const got = readFileSync(join(dir, '..', 'got.mp4'));
    expect(got.length).toBeGreaterThan(10_000);
    expect(got.subarray(4, 8).toString('latin1')).toBe('ftyp');
  });
});

describe('must-fix 2: every request is bounded by a timeout', () => {
  it('ends get, list and streams against a silent endpoint with exit 5 after the retry budget', async () => {
    const { dir, env } = setup('mf2-silent');
    const before = snapshotTree(dir);
    const lines = [
      `$K streams --endpoint-url ${silentUrl} --read-timeout 0.5`,
      `$K get ${STREAM} ${R} --endpoint-url ${silentUrl} --read-timeout 0.5 --retries 1 -o out.mp4`,
      `$K list ${STREAM} ${R} --endpoint-url ${silentUrl} --read-timeout 500ms --connect-timeout 1`,
    ];
    for (const line of lines) {
      const r = await runShell(line, { cwd: dir, env, timeoutMs: 90_000 });
      expect(r.code, `${line}\n${r.stderr}`).toBe(5);
      expect(r.stderr).toMatch(/no answer within 0\.5 s \(--read-timeout\)/);
      expect(r.stderr).not.toContain('TimeoutError');
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
    expect(treeChanges(before, snapshotTree(dir))).toEqual([]);
  }, 240_000);

  it('reports a lock held by a live process past the bound with its pid, its age and "may be stuck"', async () => {
    const { dir, env } = setup('mf2-lock');
    writeFileSync(join(dir, 'cam.state.lock'), `${process.pid}\n`);
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000 - 5_000);
    utimesSync(join(dir, 'cam.state.lock'), twoHoursAgo, twoHoursAgo);
    const before = snapshotTree(dir);
    const r = await runShell(
      `$K get ${STREAM} --state cam.state --since 10m --endpoint-url ${emu.url} -o '{stream}_{start}.mp4'`,
      { cwd: dir, env },
    );
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toMatch(new RegExp(`pid ${process.pid} for 2h0m\\d+s`));
    expect(r.stderr).toContain('may be stuck');
    expect(stderrProblems(r.stderr)).toEqual([]);
    expect(treeChanges(before, snapshotTree(dir))).toEqual([]);
  });
});

describe('must-fix 5: a closed or full stdout/stderr is one line and exit 7, EPIPE is quiet', () => {
  it.runIf(isRoot)('exits 7 with one line for -o - and for a --json document into a full stdout', async () => {
    const { dir, env } = setup('mf5-full');
    execFileSync('mknod', [join(dir, 'full'), 'c', '1', '7']);
    const before = snapshotTree(dir);
    for (const line of [
      `$K get ${STREAM} ${R} --endpoint-url ${emu.url} -o - -q > full`,
      `$K streams --endpoint-url ${emu.url} --json > full`,
      `$K completion bash > full`,
    ]) {
      const r = await runShell(line, { cwd: dir, env });
      expect(r.code, `${line}\n${r.stderr}`).toBe(7);
      expect(stderrProblems(r.stderr), `${line}\n${r.stderr}`).toEqual([]);
    }
    expect(treeChanges(before, snapshotTree(dir), ['full'])).toEqual([]);
  });

  it.runIf(isRoot)('finishes the file and exits 7 when stderr is full, and exits 0 quietly on EPIPE', async () => {
    const { dir, env } = setup('mf5-stderr');
    execFileSync('mknod', [join(dir, 'full'), 'c', '1', '7']);
    const r = await runShell(`$K get ${STREAM} ${R} --endpoint-url ${emu.url} -o a.mp4 2>full`, { cwd: dir, env });
    expect(r.code).toBe(7);
    expect(statSync(join(dir, 'a.mp4')).size).toBeGreaterThan(10_000);
    const piped = await runShell(`$K get ${STREAM} ${R} --endpoint-url ${emu.url} -o - | head -c 100 >/dev/null`, {
      cwd: dir,
      env,
    });
    expect(piped.stderr).not.toMatch(/^\s+at |EPIPE/m);
  });
});

describe('must-fix 6: npm ci alone builds the CLI', () => {
  it('builds dist/ from a prepare script and opens the README with the exact quick start', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['prepare']).toBe('npm run build');
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const firstCommand = /```sh\n([^\n]*)\n/.exec(readme)?.[1];
    expect(firstCommand).toBe('npm ci && npx kvs-clip get demo --local --since 1h -o demo.mp4');
    expect(readFileSync(join(PACKAGE_ROOT, '.gitignore'), 'utf8')).toContain('/demo.mp4');
  });
});

describe('must-fix 7: a body that is not an MP4 fails at once', () => {
  it('exits 6 after one GetClip with the size, the first bytes and "is this a real KVS endpoint?"', async () => {
    const { dir, env } = setup('mf7');
    const before = snapshotTree(dir);
    const calls = moto.log.ofOp('GetClip').length;
    const r = await runShell(`$K get ${STREAM} ${R} --endpoint-url ${moto.url} -o out.mp4`, { cwd: dir, env });
    expect(r.code, r.stderr).toBe(6);
    expect(r.stderr).toContain('GetClip returned 16 bytes starting "sample-mp4-video"');
    expect(r.stderr).toContain('not an MP4: is this a real KVS endpoint?');
    expect(moto.log.ofOp('GetClip').length - calls).toBe(1);
    expect(stderrProblems(r.stderr.slice(r.stderr.indexOf('kvs-clip: ')))).toEqual([]);
    expect(treeChanges(before, snapshotTree(dir))).toEqual([]);
  });
});

describe('must-fix 8: mistakes are never exit 1', () => {
  const lines: readonly (readonly [string, number, string])[] = [
    ['$K inspect sub', 2, 'is a directory'],
    ['$K join sub x.mp4 -o j.mp4', 2, 'is a directory'],
    ['$K emulator --port 0 --stream cam=h266', 2, 'neither a preset'],
    ['$K emulator --port 0 --stream cam=./missing.mp4', 2, 'ENOENT'],
    ['$K -v', 2, "Unknown option '-v'"],
    [`$K get ${STREAM} --since 1h --bogus -v`, 2, "Unknown option '--bogus'"],
  ];
  for (const [line, exit, words] of lines) {
    it(`exits ${exit} with one line for: ${line}`, async () => {
      const { dir, env } = setup('mf8');
      mkdirSync(join(dir, 'sub'));
      const before = snapshotTree(dir);
      const r = await runShell(line, { cwd: dir, env });
      expect(r.code, r.stderr).toBe(exit);
      expect(r.stderr).toContain(words);
      expect(stderrProblems(r.stderr)).toEqual([]);
      expect(treeChanges(before, snapshotTree(dir))).toEqual([]);
    });
  }

  it('exits 5 with "is it http?" for https:// against the plain-http emulator', async () => {
    const { dir, env } = setup('mf8-tls');
    const r = await runShell(`$K streams --endpoint-url ${emu.url.replace('http:', 'https:')}`, { cwd: dir, env });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('is it http?');
    expect(stderrProblems(r.stderr)).toEqual([]);
  });
});
