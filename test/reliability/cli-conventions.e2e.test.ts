/**
 * Issue 11 "should fix", the last CLI conventions: hints that fit the command (no "finished parts are kept" from a
 * command without parts), a codec-change split said once, singular/plural in every command's lines, -vv, progress
 * lines off a terminal, --output-dir / -o DIR/. Every case runs the BUILT CLI through a real shell against a started
 * emulator (or a socket that never answers) and asserts the exit code, what stderr/stdout must and must not say, no
 * stack trace, and that nothing in the working directory changed except the names the case allows.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { runShell, snapshotTree, treeChanges } from '../support/shell-cli.js';
import { runCliUnderTty, terminalFrames, type TtyRun } from '../support/run-under-tty.js';
import { startSilentEndpoint, type SilentEndpoint } from '../support/silent-endpoint.js';
import { baseEmulatorOptions, cliEnv, iso, rangeArgs, STREAM, STREAMS, T0, workDir } from './reliability-fixture.js';

type Case = {
  readonly line: string;
  readonly exit: number;
  /** What stderr must say (each of them). */
  readonly says?: RegExp | readonly RegExp[];
  /** What stderr must not say. */
  readonly not?: RegExp;
  /** How many stderr lines match `once` (exactly one). */
  readonly once?: RegExp;
  /** What stdout must say. */
  readonly out?: RegExp;
  /** Names (prefixes) the command may create or change. */
  readonly allow?: readonly string[];
  /** Directories made before the command runs. */
  readonly dirs?: readonly string[];
  /** A stack trace is expected (-v on a failure). */
  readonly stack?: boolean;
};

/** A stream whose codec configuration changes once, in the middle of the window the codec case asks for. */
const CODEC = 'cc';
const CODEC_CHANGE_MS = T0 - 5 * 60_000;

let emu: RunningEmulator;
let silent: SilentEndpoint;
const urls = { emu: '', silent: '' };
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  emu = await startEmulator(
    baseEmulatorOptions({
      quotas: false,
      caps: { maxFragments: 200 },
      streams: [
        ...STREAMS,
        {
          name: CODEC,
          source: { preset: 'h264' },
          fragmentSeconds: 1,
          spanMs: 20 * 60_000,
          endMs: T0,
          cpdChanges: [{ atMs: CODEC_CHANGE_MS }],
        },
      ],
    }),
  );
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
const SILENT = (): string => `--endpoint-url ${urls.silent} --read-timeout 0.3 --retries 0`;
const R = rangeArgs(1).join(' ');
/** 15 s of 1 s fragments: one part. */
const SHORT = rangeArgs(0.25).join(' ');
/** Ten minutes (601 fragments with the one holding the start): four GetClip calls paced a second apart. */
const TEN = rangeArgs(10).join(' ');
const DEFAULT_NAME = /cam_\d{8}T\d{6}Z_\d{8}T\d{6}Z\.mp4/;
/** Six minutes around the codec change: over the 200-fragment cap, so two parts, one of them holding the change. */
const AROUND_CHANGE = `--since ${iso(CODEC_CHANGE_MS - 3 * 60_000)} --until ${iso(CODEC_CHANGE_MS + 3 * 60_000)}`;

const CASES: readonly (() => Case)[] = [
  // "finished parts are kept" only where a command has parts, and only when some are
  () => ({ line: `$K streams ${SILENT()}`, exit: 5, says: /^hint: Run the same command again later$/m, not: /kept/ }),
  () => ({
    line: `$K list ${STREAM} ${R} ${SILENT()}`,
    exit: 5,
    says: /^hint: Run the same command again later$/m,
    not: /kept/,
  }),
  () => ({
    line: `$K images ${STREAM} ${R} ${SILENT()}`,
    exit: 5,
    says: /^hint: Run the same command again later$/m,
    not: /kept/,
  }),
  () => ({
    line: `$K get ${STREAM} ${R} ${SILENT()} -o x.mp4`,
    exit: 5,
    says: [/^kvs-clip: DescribeStream: no answer within 0\.3 s/m, /^hint: Run the same command again later$/m],
    not: /kept/,
  }),
  // A codec change found by splitting a part several times over is said once
  () => ({
    line: `$K get ${CODEC} ${AROUND_CHANGE} ${E()} --no-pacing -o c.mp4`,
    exit: 0,
    once: /codec change/,
    says: /^Wrote .*c\.mp4 \(.*, [3-9] parts, 361 fragments, 0 gaps, 0 retries\)/m,
    allow: ['c.mp4'],
  }),
  // A range wholly before the retention is exit 3 "no media there" for list as for get (README "Exit codes")
  () => ({
    line: `$K list ${STREAM} --since ${iso(T0 - 30 * 86_400_000)} --until ${iso(T0 - 29 * 86_400_000)} ${E()}`,
    exit: 3,
    says: [
      /^kvs-clip: .*before the stream's retention period, so no media can be there$/m,
      /^hint: Ask for a more recent range/m,
    ],
  }),
  () => ({
    line: `$K get ${STREAM} --since ${iso(T0 - 30 * 86_400_000)} --until ${iso(T0 - 29 * 86_400_000)} ${E()}`,
    exit: 3,
    says: /^kvs-clip: Time range ends at .*, before the retention of cam .*: no media there$/m,
  }),
  // Singular and plural in the archive's lines
  () => ({
    line: `$K archive ${STREAM} --segment 1m --since ${iso(T0 - 3 * 60_000)} --state-dir st -o 'a/{stream}_{start:%H%M}.mp4' ${E()} --dry-run`,
    exit: 0,
    says: /^Archiving 1 stream \(new: cam\)$/m,
    not: /1 streams/,
  }),
  // -vv: what -v shows, plus one line per SDK request and answer; never a credential, a signature or a header
  () => ({
    line: `$K -vv get ${STREAM} ${SHORT} ${E()} -o v.mp4`,
    exit: 0,
    says: [
      /^debug: DescribeStream: POST http:\/\/127\.0\.0\.1:\d+\/describeStream$/m,
      /^debug: GetClip: POST http:\/\/127\.0\.0\.1:\d+\/\S+\/getClip$/m,
      /^debug: GetClip: HTTP 200 in \d+ ms \(request [-0-9a-f]{36}\)$/m,
      /^\[part 1\/1\] downloaded .* \(request [-0-9a-f]{36}\)$/m,
    ],
    not: /Authorization|Signature|X-Amz-|kvs-clip-local-secret|AKIDKVSCLIPLOCAL/i,
    allow: ['v.mp4'],
  }),
  () => ({
    line: `$K streams ${E()} -v -v`,
    exit: 0,
    says: /^debug: ListStreams: HTTP 200 in \d+ ms/m,
    out: /^cam$/m,
  }),
  () => ({
    line: `$K list ${STREAM} ${R} ${SILENT()} -vv`,
    exit: 5,
    says: [/^debug: GetDataEndpoint: POST /m, /^debug: GetDataEndpoint: TimeoutError after \d+ ms$/m],
    // -v and -vv print the failure's stack and causes.
    stack: true,
  }),
  () => ({ line: `$K get ${STREAM} ${SHORT} ${E()} -v -o v.mp4`, exit: 0, not: /^debug:/m, allow: ['v.mp4'] }),
  () => ({ line: `$K -vv -q streams ${E()}`, exit: 2, says: /cannot be used with/ }),
  // Off a terminal: per-part lines and a progress line every --progress-interval (the default), or none
  () => ({
    line: `$K get ${STREAM} ${TEN} ${E()} --progress-interval 300ms -o p.mp4`,
    exit: 0,
    says: [
      /^Progress \d+% \S+ \S+\/\S+ \S+, part \d\/4, \S+ of \S+, \S+ \S+\/s, ETA \S+$/m,
      /^\[part 4\/4\] downloaded/m,
    ],
    not: /█|░|\[K/,
    allow: ['p.mp4'],
  }),
  () => ({
    line: `$K get ${STREAM} ${TEN} ${E()} --progress=lines --progress-interval 300ms -o p.mp4`,
    exit: 0,
    says: /^Progress \d+% /m,
    allow: ['p.mp4'],
  }),
  () => ({
    line: `$K get ${STREAM} ${TEN} ${E()} --progress none --progress-interval 300ms -o p.mp4`,
    exit: 0,
    says: /^\[part 4\/4\] downloaded/m,
    not: /^Progress/m,
    allow: ['p.mp4'],
  }),
  () => ({
    line: `$K get ${STREAM} ${TEN} ${E()} --no-progress --progress-interval 300ms -o p.mp4`,
    exit: 0,
    not: /^Progress/m,
    allow: ['p.mp4'],
  }),
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} --progress=sometimes`,
    exit: 2,
    says: /^kvs-clip: Option '--progress <style>' argument 'sometimes' is invalid/m,
  }),
  () => ({ line: `$K list ${STREAM} ${R} ${E()}`, exit: 0, not: /Listing fragments/ }),
  () => ({ line: `$K list ${STREAM} ${R} ${E()} --progress lines`, exit: 0, out: /^Total /m }),
  // -o DIR/ and --output-dir: the default name inside the directory, never over an existing file
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} -o d/`,
    exit: 0,
    dirs: ['d'],
    out: new RegExp(`/o/d/${DEFAULT_NAME.source}$`, 'm'),
    allow: ['d/cam_'],
  }),
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} -o d`,
    exit: 0,
    dirs: ['d'],
    out: new RegExp(`/o/d/${DEFAULT_NAME.source}$`, 'm'),
    allow: ['d/cam_'],
  }),
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} -o d/ -q && $K get ${STREAM} ${SHORT} ${E()} -o d`,
    exit: 7,
    dirs: ['d'],
    says: /^kvs-clip: Output file already exists: ".*\/o\/d\/cam_/m,
    allow: ['d/cam_'],
  }),
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} -o d/ -q && $K get ${STREAM} ${SHORT} ${E()} -o d/ --skip-existing`,
    exit: 0,
    dirs: ['d'],
    allow: ['d/cam_'],
  }),
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} -o nosuch/`,
    exit: 7,
    says: [/^kvs-clip: Output directory does not exist: ".*\/o\/nosuch"$/m, /^hint: pass --mkdir/m],
  }),
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} -o made/ --mkdir`,
    exit: 0,
    out: new RegExp(`/o/made/${DEFAULT_NAME.source}$`, 'm'),
    allow: ['made'],
  }),
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} --output-dir d`,
    exit: 0,
    dirs: ['d'],
    out: new RegExp(`/o/d/${DEFAULT_NAME.source}$`, 'm'),
    allow: ['d/cam_'],
  }),
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} --output-dir d -o '{stream}.mp4'`,
    exit: 0,
    dirs: ['d'],
    out: /\/o\/d\/cam\.mp4$/m,
    allow: ['d/cam.mp4'],
  }),
  () => ({
    line: `$K get ${STREAM} ${rangeArgs(2).join(' ')} ${E()} --output-dir d --split`,
    exit: 0,
    dirs: ['d'],
    out: new RegExp(`^(.*/o/d/${DEFAULT_NAME.source}\n){1}$`),
    allow: ['d/cam_'],
  }),
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} --output-dir d --dry-run`,
    exit: 0,
    dirs: ['d'],
    says: new RegExp(`^Would write /.*/o/d/${DEFAULT_NAME.source}$`, 'm'),
  }),
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} --output-dir d -o -`,
    exit: 2,
    dirs: ['d'],
    says: /^kvs-clip: --output-dir cannot be combined with -o -/m,
  }),
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} --output-dir d -o /tmp/x.mp4`,
    exit: 2,
    dirs: ['d'],
    says: /^kvs-clip: -o \/tmp\/x\.mp4 is an absolute path, so --output-dir d would be ignored$/m,
  }),
  () => ({
    line: `$K get ${STREAM} ${SHORT} ${E()} --output-dir d -o s3://bucket/x.mp4`,
    exit: 2,
    dirs: ['d'],
    says: /^kvs-clip: --output-dir is a local directory$/m,
  }),
];

describe('CLI conventions of issue 11, last part', () => {
  CASES.forEach((make, i) => {
    it.concurrent(`case ${i + 1}: says it in words, exits as documented`, async () => {
      const c = make();
      const { dir: root, cleanup } = workDir('cli-conventions');
      cleanups.push(cleanup);
      const home = join(root, '.home');
      const dir = join(root, 'o');
      for (const d of [home, join(root, '.tmp'), dir]) mkdirSync(d);
      for (const d of c.dirs ?? []) mkdirSync(join(dir, d), { recursive: true });
      const before = snapshotTree(dir);
      const env = cliEnv(home, { extra: { TMPDIR: join(root, '.tmp') } });
      const r = await runShell(c.line, { cwd: dir, env, timeoutMs: 60_000 });
      const context = `${c.line}\nexit ${r.code}\nstderr: ${r.stderr}`;
      expect(r.code, context).toBe(c.exit);
      if (c.stack !== true) expect(r.stderr, context).not.toMatch(/^\s+at |node:internal|please report/m);
      const says = c.says === undefined ? [] : Array.isArray(c.says) ? c.says : [c.says];
      for (const pattern of says) expect(r.stderr, context).toMatch(pattern);
      if (c.not !== undefined) expect(r.stderr, context).not.toMatch(c.not);
      if (c.once !== undefined) {
        const pattern = c.once;
        expect(
          r.stderr.split('\n').filter((line) => pattern.test(line)),
          context,
        ).toHaveLength(1);
      }
      if (c.out !== undefined) expect(r.stdout, context).toMatch(c.out);
      expect(treeChanges(before, snapshotTree(dir), c.allow ?? []), context).toEqual([]);
    });
  });
});

/** Runs `words` (the CLI's arguments, split on spaces) on a pseudo-terminal `columns` wide, in a fresh work dir. */
function underTty(words: string, columns: number): Promise<TtyRun> {
  const { dir, cleanup } = workDir('cli-conventions-tty');
  cleanups.push(cleanup);
  const home = join(dir, '.home');
  mkdirSync(home);
  return runCliUnderTty(words.split(' '), { cwd: dir, env: cliEnv(home), columns });
}

const ESC = String.fromCharCode(27);

describe('progress on a terminal', () => {
  const ALL = `--since ${iso(T0 - 20 * 60_000)} --until ${iso(T0)}`;

  it('list counts the ListFragments pages while it lists, then clears the counter before the table', async () => {
    const r = await underTty(`list ${STREAM} ${ALL} --endpoint-url ${urls.emu}`, 80);
    expect(r.code, r.output).toBe(0);
    const counters = terminalFrames(r.output).filter((frame) => /Listing fragments: page \d+ \(\d+s\)$/.test(frame));
    // 1200 fragments at 1000 a page (kvs-clip asks for MaxResults 1000): one counter per page.
    expect(counters.length, r.output).toBe(2);
    expect(r.output, r.output).toMatch(/Listing fragments: page 2 /);
    // The counter is wiped (carriage return, clear to end of line) before the table is printed.
    expect(r.output, r.output).toMatch(new RegExp(`\r${ESC}\\[K\\s*START\\s+END`));
    expect(r.output).toMatch(/^Total 20m\S* of media in 1 span/m);
  });

  it('list is silent while listing with -q, --json or --no-progress', async () => {
    for (const flag of ['-q', '--json', '--no-progress']) {
      const r = await underTty(`list ${STREAM} ${ALL} --endpoint-url ${urls.emu} ${flag}`, 80);
      expect(r.code, r.output).toBe(0);
      expect(r.output, flag).not.toMatch(/Listing fragments/);
    }
  });

  it('get counts the listing pages, then draws a bar that keeps rate and ETA at 50 columns', async () => {
    const r = await underTty(`get ${STREAM} ${TEN} --endpoint-url ${urls.emu} -o p.mp4`, 50);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/Listing fragments: page \d+/);
    const bars = terminalFrames(r.output).filter((frame) => /[█░]/.test(frame));
    expect(bars.length, r.output).toBeGreaterThan(0);
    for (const bar of bars) {
      expect([...bar].length, bar).toBeLessThanOrEqual(49);
      expect(bar).toMatch(/^[█░]{8,24} \d+% .*\| \S+ \S+\/s \| ETA \S+$/);
    }
    // Wide enough for every figure at 120 columns.
    const wide = await underTty(`get ${STREAM} ${TEN} --endpoint-url ${urls.emu} -o p.mp4`, 120);
    const full = terminalFrames(wide.output).filter((frame) => /[█░]/.test(frame));
    expect(full.length, wide.output).toBeGreaterThan(0);
    for (const bar of full) expect(bar).toMatch(/^[█░]{24} \d+% \S+ \S+\/\S+ \S+ \| part \d\/4 \| \S+ of \S+ \| .*ETA/);
  });

  it('get --progress lines draws no bar on a terminal, and -vv prints debug lines instead of a bar', async () => {
    const lines = await underTty(
      `get ${STREAM} ${TEN} --endpoint-url ${urls.emu} -o p.mp4 --progress lines --progress-interval 300ms`,
      80,
    );
    expect(lines.code, lines.output).toBe(0);
    expect(lines.output).not.toMatch(/[█░]/);
    expect(lines.output).toMatch(/^Progress \d+% /m);
    const debug = await underTty(`get ${STREAM} ${TEN} --endpoint-url ${urls.emu} -o p.mp4 -vv`, 80);
    expect(debug.code, debug.output).toBe(0);
    expect(debug.output).not.toMatch(/[█░]/);
    expect(debug.output).toMatch(/^debug: GetClip: HTTP 200 in \d+ ms/m);
  });
});
