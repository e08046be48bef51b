/**
 * Issue 11 "should fix", CLI side: local validation of names, ARNs and UTC offsets, exit codes that agree with the
 * README, hints that fit the cause, and the command-line conventions. Every case runs the BUILT CLI through a real
 * shell against a started emulator and asserts the exit code, one `kvs-clip:` line (plus an optional hint), no stack
 * trace, what the message must say, and that nothing in the working directory was created, changed or removed except
 * the names the case allows.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { runShell, snapshotTree, stderrProblems, treeChanges } from '../support/shell-cli.js';
import { startCli } from '../support/spawn-cli.js';
import { startSilentEndpoint, type SilentEndpoint } from '../support/silent-endpoint.js';
import { baseEmulatorOptions, cliEnv, rangeArgs, STREAM, workDir } from './reliability-fixture.js';

type Case = {
  readonly line: string;
  readonly exit: number;
  /** What stderr must say (and, with `not`, must not). */
  readonly says?: RegExp;
  readonly not?: RegExp;
  /** Names (prefixes) the command may create or change. */
  readonly allow?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
};

let emu: RunningEmulator;
let silent: SilentEndpoint;
const urls = { emu: '', silent: '' };
const cleanups: (() => void)[] = [];
const R = rangeArgs(1).join(' ');
const ARN = 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam/1718370000000';

beforeAll(async () => {
  emu = await startEmulator(baseEmulatorOptions({ quotas: false }));
  urls.emu = emu.url;
  // Accepts connections and never answers: a case that reaches the network would hang until its timeout.
  silent = await startSilentEndpoint();
  urls.silent = silent.url;
});

afterAll(async () => {
  await silent.close();
  await emu.close();
  for (const cleanup of cleanups) cleanup();
});

const E = (): string => `--endpoint-url ${urls.emu}`;
/** The silent endpoint with a long read timeout: only a purely local check can answer within the test's time. */
const S = (): string => `--endpoint-url ${urls.silent} --read-timeout 50`;
const PATTERN = /expected \[a-zA-Z0-9_\.-\]\{1,256\}/;
const ARN_PATTERN = /expected arn:\[a-z\\d-\]\+:kinesisvideo:/;

const CASES: readonly (() => Case)[] = [
  // Stream names and ARNs: checked locally, with the pattern in the message and no retention hint
  () => ({ line: `$K get bad/name ${R} ${S()} -o x.mp4`, exit: 2, says: PATTERN, not: /retention/ }),
  () => ({ line: `$K get 'cam 1' ${R} ${S()} -o x.mp4`, exit: 2, says: /Invalid stream name "cam 1"/ }),
  () => ({ line: `$K get '' ${R} ${S()} -o x.mp4`, exit: 2, says: PATTERN }),
  () => ({ line: `$K list ${'x'.repeat(257)} ${R} ${S()}`, exit: 2, says: PATTERN }),
  () => ({ line: `$K list 'cam;rm' ${R} ${S()} --json`, exit: 2, says: PATTERN }),
  () => ({ line: `$K get ${STREAM} --stream-arn not-an-arn ${R} ${S()} -o x.mp4`, exit: 2, says: ARN_PATTERN }),
  () => ({ line: `$K list ${STREAM} --stream-arn '${ARN}/x' ${R} ${S()}`, exit: 2, says: ARN_PATTERN }),
  () => ({ line: `$K list ${STREAM} --stream-arn ${ARN.replace('kinesisvideo', 's3')} ${R} ${S()}`, exit: 2 }),
  // Impossible UTC offsets (src/time): rejected, never read as another instant
  () => ({
    line: `$K get ${STREAM} --since 2025-06-14T15:00+25:00 ${S()} -o x.mp4`,
    exit: 2,
    says: /UTC offset \+25:00 is impossible/,
  }),
  () => ({ line: `$K get ${STREAM} --since 2025-06-14T15:00+99:99 ${S()}`, exit: 2, says: /offset \+99:99/ }),
  () => ({ line: `$K list ${STREAM} --since 20250614T150000-2400 ${S()}`, exit: 2, says: /offset -2400/ }),
  () => ({
    line: `$K list ${STREAM} '2025-06-14T15:00+13:60..2025-06-14T16:00Z' ${S()}`,
    exit: 2,
    says: /offset \+13:60 is impossible/,
  }),
  // A window wholly before retention holds no media: exit 3 as the README's table says (not 2)
  () => ({
    line: `$K get ${STREAM} --since 2000-01-01T00:00:00Z --until 2000-01-01T01:00:00Z ${E()} -o x.mp4`,
    exit: 3,
    says: /before the retention of cam/,
  }),
  () => ({
    line: `$K get ${STREAM} --since 2000-01-01T00:00:00Z --until 2000-01-01T01:00:00Z ${E()} --json -o x.mp4`,
    exit: 3,
  }),
  // Hints that fit the cause
  () => ({
    line: `$K streams --profile nosuch ${E()}`,
    exit: 4,
    says: /No credentials for --profile "nosuch"/,
    not: /Multiple credential sources|WARNING|IAM policy/,
  }),
  () => ({ line: `$K get cam1 --local ${R} -o x.mp4`, exit: 3, says: /--local serves one stream, "demo"/ }),
  () => ({
    line: `$K streams --endpoint-url http://127.0.0.1:1 --retries 0`,
    exit: 5,
    says: /Nothing listens on 127\.0\.0\.1:1: start one with `kvs-clip emulator --port 1`/,
  }),
  () => ({
    line: `$K streams --endpoint-url ${urls.silent} --read-timeout 0.3 --retries 0`,
    exit: 5,
    says: /ListStreams: no answer within 0\.3 s \(--read-timeout\)/,
    not: /TimeoutError/,
  }),
  () => ({
    line: `$K list ${STREAM} ${R} --endpoint-url ${urls.silent} --read-timeout 0.3 --retries 0 --json`,
    exit: 5,
    not: /TimeoutError/,
  }),
  // Common flags on every command
  () => ({ line: `$K list ${STREAM} ${R} ${E()} --no-progress`, exit: 0 }),
  () => ({ line: `$K streams ${E()} --no-progress --retries 2`, exit: 0 }),
  // `help` of an unknown command says so
  () => ({ line: `$K help nosuch`, exit: 2, says: /Unknown command 'nosuch'/ }),
  () => ({ line: `$K help gte`, exit: 2, says: /Unknown command 'gte' \(did you mean get\?\)/ }),
];

describe('CLI should-fix lines of issue 11', () => {
  CASES.forEach((make, i) => {
    it.concurrent(`case ${i + 1}: exits as documented with one line that fits the cause`, async () => {
      const c = make();
      const { dir: root, cleanup } = workDir('should-fix');
      cleanups.push(cleanup);
      const home = join(root, '.home');
      const dir = join(root, 'o');
      for (const d of [home, join(root, '.tmp'), dir]) mkdirSync(d);
      const before = snapshotTree(dir);
      const env = cliEnv(home, { extra: { TMPDIR: join(root, '.tmp'), ...c.env } });
      const r = await runShell(c.line, { cwd: dir, env, timeoutMs: 30_000 });
      const context = `${c.line}\nexit ${r.code}\nstderr: ${r.stderr}`;
      expect(r.code, context).toBe(c.exit);
      expect(r.stderr, context).not.toMatch(/^\s+at |node:internal|please report/m);
      if (c.exit !== 0) expect(stderrProblems(r.stderr), context).toEqual([]);
      if (c.says !== undefined) expect(r.stderr, context).toMatch(c.says);
      if (c.not !== undefined) expect(r.stderr, context).not.toMatch(c.not);
      expect(treeChanges(before, snapshotTree(dir), c.allow ?? []), context).toEqual([]);
    });
  });
});

describe('--version', () => {
  it('prints the version, then the Node, platform and AWS SDK versions', async () => {
    const { dir, cleanup } = workDir('should-fix-version');
    cleanups.push(cleanup);
    const r = await runShell('$K --version', { cwd: dir, env: cliEnv(dir) });
    expect(r.code).toBe(0);
    const [version, details] = r.stdout.split('\n');
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(details).toBe(
      `node ${process.version}, ${process.platform}-${process.arch}, @aws-sdk/client-kinesis-video ${details?.split(' ').at(-1) ?? ''}`,
    );
    expect(details).toMatch(/client-kinesis-video 3\.\d+\.\d+$/);
  });
});

describe('the time zone from the environment', () => {
  it('warns once about a TZ that is no IANA name and reads times in UTC, never "tz undefined"', async () => {
    const { dir, cleanup } = workDir('should-fix-tz');
    cleanups.push(cleanup);
    const env = cliEnv(dir, { extra: { TZ: 'Bogus/Zone' } });
    const r = await runShell(`$K get ${STREAM} ${R} ${E()} --dry-run`, {
      cwd: dir,
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/^warning: TZ="Bogus\/Zone" is not an IANA time zone name.*UTC/gm)).toHaveLength(1);
    expect(r.stderr).toContain('tz UTC)');
    expect(r.stderr).not.toContain('undefined');
    const quiet = await runShell(`$K list ${STREAM} ${R} ${E()} -q`, { cwd: dir, env });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
  });
});

describe('signals', () => {
  const run = async (args: string[], signal: NodeJS.Signals) => {
    const { dir, cleanup } = workDir('should-fix-signal');
    cleanups.push(cleanup);
    const running = startCli(args, { cwd: dir, env: cliEnv(dir), timeoutMs: 30_000 });
    // Wait until the command is working (the emulator's URL on stdout, or a get's first stderr output).
    const started = Date.now();
    while (running.stdoutSoFar().length === 0 && running.stderrSoFar() === '' && Date.now() - started < 20_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    running.child.kill(signal);
    return running.done;
  };

  it('the emulator exits 143 on SIGTERM and 130 on SIGINT, as the exit-code table says', async () => {
    const term = await run(['emulator', '--port', '0'], 'SIGTERM');
    expect(term.code, term.stderr).toBe(143);
    const int = await run(['emulator', '--port', '0'], 'SIGINT');
    expect(int.code, int.stderr).toBe(130);
  });

  it('-q prints nothing when a download is stopped, by SIGINT and by SIGTERM alike', async () => {
    const slow = () => ['get', STREAM, ...rangeArgs(15), '--endpoint-url', urls.silent, '-q', '-o', 'q.mp4'];
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      const { dir, cleanup } = workDir('should-fix-quiet');
      cleanups.push(cleanup);
      const running = startCli(slow(), { cwd: dir, env: cliEnv(dir), timeoutMs: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      running.child.kill(signal);
      const result = await running.done;
      expect(result.code, result.stderr).toBe(code);
      expect(result.stderr).toBe('');
    }
  });
});
