/**
 * Issue 11 "should fix", conventions: flags written before the command name (`kvs-clip --region x get …`,
 * `kvs-clip -v list …`) work as they do after it. Each case runs the BUILT CLI through a real shell against a started
 * emulator and asserts the exit code, what stdout/stderr say, no stack trace, and that nothing but the allowed names
 * changed in the working directory.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { runShell, snapshotTree, treeChanges } from '../support/shell-cli.js';
import { baseEmulatorOptions, cliEnv, rangeArgs, STREAM, workDir } from './reliability-fixture.js';

type Case = {
  readonly line: string;
  readonly exit: number;
  readonly stderr?: RegExp;
  readonly stdout?: RegExp;
  readonly not?: RegExp;
  readonly allow?: readonly string[];
};

let emu: RunningEmulator;
const cleanups: (() => void)[] = [];
const R = rangeArgs(0.2).join(' ');

beforeAll(async () => {
  emu = await startEmulator(baseEmulatorOptions({ quotas: false }));
});

afterAll(async () => {
  await emu.close();
  for (const cleanup of cleanups) cleanup();
});

const E = (): string => `--endpoint-url ${emu.url}`;

const CASES: readonly (() => Case)[] = [
  () => ({
    line: `$K --region us-east-1 get ${STREAM} ${R} ${E()} -o a.mp4`,
    exit: 0,
    stdout: /\/a\.mp4\n$/,
    allow: ['a.mp4'],
  }),
  () => ({ line: `$K -v ${E()} list ${STREAM} ${R}`, exit: 0, stdout: /^Total .* 1 span/m }),
  () => ({ line: `$K --json ${E()} streams`, exit: 0, stdout: /^\{"ok":true,.*"command":"streams"/ }),
  () => ({ line: `$K -q --region=us-east-1 ${E()} get ${STREAM} ${R} -o - > /dev/null`, exit: 0, not: /./ }),
  // A flag the command does not have is still refused, in one line
  () => ({ line: `$K --bogus get ${STREAM} ${R} ${E()}`, exit: 2, stderr: /^kvs-clip: Unknown option '--bogus'/ }),
  () => ({ line: `$K --split streams ${E()}`, exit: 2, stderr: /^kvs-clip: Unknown option '--split'/ }),
  // Before the name or after it, a usage error is the same
  () => ({
    line: `$K --since 1h --until 2h get ${STREAM} ${E()} -o b.mp4`,
    exit: 2,
    stderr: /^kvs-clip: .*(end|before)/im,
  }),
];

describe('flags before the command name', () => {
  CASES.forEach((make, i) => {
    it.concurrent(`case ${i + 1}: counts them as the command's own`, async () => {
      const c = make();
      const { dir: root, cleanup } = workDir('global-flags');
      cleanups.push(cleanup);
      const home = join(root, '.home');
      const dir = join(root, 'o');
      for (const d of [home, join(root, '.tmp'), dir]) mkdirSync(d);
      const before = snapshotTree(dir);
      const env = cliEnv(home, { extra: { TMPDIR: join(root, '.tmp') } });
      const r = await runShell(c.line, { cwd: dir, env, timeoutMs: 30_000 });
      const context = `${c.line}\nexit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
      expect(r.code, context).toBe(c.exit);
      expect(r.stderr, context).not.toMatch(/^\s+at |node:internal|please report/m);
      if (c.stderr !== undefined) expect(r.stderr, context).toMatch(c.stderr);
      if (c.stdout !== undefined) expect(r.stdout, context).toMatch(c.stdout);
      if (c.not !== undefined) expect(`${r.stdout}${r.stderr}`, context).not.toMatch(c.not);
      expect(treeChanges(before, snapshotTree(dir), c.allow ?? []), context).toEqual([]);
    });
  });
});
