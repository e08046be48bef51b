/**
 * Issue 11 "should fix", CLI side, second half: what the user reads (retry lines in words, durations, sizes,
 * singular/plural, progress) and the remaining conventions (output directory, global flags before the subcommand,
 * -vv, --progress=lines, closed stdout). Every case runs the BUILT CLI through a real shell against a started
 * emulator (or a socket that never answers) and asserts the exit code, what stderr/stdout must and must not say, no
 * stack trace, and that nothing in the working directory changed except the names the case allows.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { runShell, snapshotTree, treeChanges } from '../support/shell-cli.js';
import { startSilentEndpoint, type SilentEndpoint } from '../support/silent-endpoint.js';
import { baseEmulatorOptions, cliEnv, iso, rangeArgs, STREAM, T0, workDir } from './reliability-fixture.js';

type Case = {
  readonly line: string;
  readonly exit: number;
  /** What stderr must say (and, with `not`, must not). */
  readonly says?: RegExp;
  readonly not?: RegExp;
  /** What stdout must say. */
  readonly out?: RegExp;
  /** Names (prefixes) the command may create or change. */
  readonly allow?: readonly string[];
};

let emu: RunningEmulator;
let silent: SilentEndpoint;
const urls = { emu: '', silent: '' };
const cleanups: (() => void)[] = [];
const R = rangeArgs(1).join(' ');

beforeAll(async () => {
  emu = await startEmulator(baseEmulatorOptions({ quotas: false }));
  urls.emu = emu.url;
  // Accepts connections and never answers.
  silent = await startSilentEndpoint();
  urls.silent = silent.url;
});

afterAll(async () => {
  await silent.close();
  await emu.close();
  for (const cleanup of cleanups) cleanup();
});

const E = (): string => `--endpoint-url ${urls.emu}`;
/** 15 s of 1 s fragments: under the 25-fragment cap, so one part. */
const SHORT = rangeArgs(0.25).join(' ');
/** 1h0m2s ending at the archive's end (most of it before the archive starts: the window line says it anyway). */
const LONG = `--since ${iso(T0 - 3_602_000)} --until ${iso(T0)}`;

const CASES: readonly (() => Case)[] = [
  // Retry lines say what happened in words, not the SDK's error class
  () => ({
    line: `$K streams --endpoint-url ${urls.silent} --read-timeout 0.3 --retries 1`,
    exit: 5,
    says: /^ListStreams: no answer within 0\.3 s \(--read-timeout\)\. Retrying in \d+\.\d s \(1\/1\)$/m,
    not: /TimeoutError/,
  }),
  () => ({
    line: `$K list ${STREAM} ${R} --endpoint-url ${urls.silent} --read-timeout 0.3 --retries 1`,
    exit: 5,
    says: /: no answer within 0\.3 s \(--read-timeout\)\. Retrying in/,
    not: /TimeoutError/,
  }),
  () => ({
    line: `$K streams --endpoint-url http://127.0.0.1:1 --retries 1`,
    exit: 5,
    says: /^ListStreams: connection refused\. Retrying in \d+\.\d s \(1\/1\)$/m,
    not: /ECONNREFUSED/,
  }),
  // Display: one part is "1 part", a small size is never "0 MB", stdout is "(stdout)", durations keep their zero minutes
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} --dry-run`,
    exit: 0,
    says: /^Covered .* \(1\d fragments, 1 part, ≈\d+(\.\d)? kB\)$/m,
    not: /0 MB|1 parts|\(s\)/,
  }),
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} -o - > out.bin`,
    exit: 0,
    says: /^Wrote \(stdout\) \(\d+(\.\d)? kB, 1 part, 1\d fragments, 0 gaps, 0 retries\) in /m,
    not: /Wrote -|1 parts/,
    allow: ['out.bin'],
  }),
  () => ({ line: `$K get ${STREAM} ${LONG} ${E()} --dry-run`, exit: 0, says: /^Window .* \(1h0m2s, /m }),
  () => ({
    line: `$K list ${STREAM} ${R} ${E()}`,
    exit: 0,
    out: /^Total 1m\S* of media in 1 span, 0 gaps, \d+ fragments, \d+(\.\d)? [kM]B$/m,
  }),
  // --dry-run names the output it would write, and writes nothing
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} --dry-run`,
    exit: 0,
    says: /^Would write \/.*\/o\/cam_\d{8}T\d{6}Z_\d{8}T\d{6}Z\.mp4$/m,
  }),
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} --dry-run -o 'x/{stream}.mp4'`,
    exit: 0,
    says: /^Would write .*\/x\/cam\.mp4$/m,
  }),
  () => ({ line: `$K get ${STREAM} ${SHORT} ${E()} --dry-run -o -`, exit: 0, says: /^Would write \(stdout\)$/m }),
  // inspect of a fragmented file: one summary line, not thousands of box names
  () => ({
    line: `$K get ${STREAM} ${R} ${E()} --format fmp4 -o f.mp4 -q && $K inspect f.mp4`,
    exit: 0,
    out: /^f\.mp4: .*, boxes ftyp moov \(moof mdat\)×\d+/m,
    allow: ['f.mp4'],
  }),
  // A closed stdout is not a silent success: exit 7 E_OUTPUT_WRITE, one line; > /dev/null stays exit 0
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} -o - -q >&-`,
    exit: 7,
    says: /^kvs-clip: Could not write to stdout: it is closed \(EBADF\)$/m,
  }),
  () => ({ line: `$K streams ${E()} >&-`, exit: 7, says: /it is closed \(EBADF\)/ }),
  () => ({ line: `$K list ${STREAM} ${R} ${E()} --json >&-`, exit: 7, says: /it is closed \(EBADF\)/ }),
  () => ({ line: `$K get ${STREAM} ${SHORT} ${E()} -o - -q > /dev/null`, exit: 0 }),
];

describe('CLI display and convention lines of issue 11', () => {
  CASES.forEach((make, i) => {
    it.concurrent(`case ${i + 1}: says it in words, exits as documented`, async () => {
      const c = make();
      const { dir: root, cleanup } = workDir('cli-display');
      cleanups.push(cleanup);
      const home = join(root, '.home');
      const dir = join(root, 'o');
      for (const d of [home, join(root, '.tmp'), dir]) mkdirSync(d);
      const before = snapshotTree(dir);
      const env = cliEnv(home, { extra: { TMPDIR: join(root, '.tmp') } });
      const r = await runShell(c.line, { cwd: dir, env, timeoutMs: 30_000 });
      const context = `${c.line}\nexit ${r.code}\nstderr: ${r.stderr}`;
      expect(r.code, context).toBe(c.exit);
      expect(r.stderr, context).not.toMatch(/^\s+at |node:internal|please report/m);
      if (c.says !== undefined) expect(r.stderr, context).toMatch(c.says);
      if (c.not !== undefined) expect(r.stderr, context).not.toMatch(c.not);
      if (c.out !== undefined) expect(r.stdout, context).toMatch(c.out);
      expect(treeChanges(before, snapshotTree(dir), c.allow ?? []), context).toEqual([]);
    });
  });
});
