/**
 * Issue 11 "should fix", the last CLI conventions: hints that fit the command (no "finished parts are kept" from a
 * command without parts), a codec-change split said once, singular/plural in every command's lines, -vv, progress
 * lines off a terminal, --output-dir / -o DIR/. Every case runs the BUILT CLI through a real shell against a started
 * emulator (or a socket that never answers) and asserts the exit code, what stderr/stdout must and must not say, no
 * stack trace, and that nothing in the working directory changed except the names the case allows.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { runShell, snapshotTree, treeChanges } from '../support/shell-cli.js';
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
};

/** A stream whose codec configuration changes once, in the middle of the window the codec case asks for. */
const CODEC = 'cc';
const CODEC_CHANGE_MS = T0 - 5 * 60_000;

let emu: RunningEmulator;
let silent: Server;
const sockets = new Set<Socket>();
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
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const address = silent.address();
  urls.silent = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await emu.close();
  for (const cleanup of cleanups) cleanup();
});

const E = (): string => `--endpoint-url ${urls.emu}`;
const SILENT = (): string => `--endpoint-url ${urls.silent} --read-timeout 0.3 --retries 0`;
const R = rangeArgs(1).join(' ');
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
  // Singular and plural in the archive's lines
  () => ({
    line: `$K archive ${STREAM} --segment 1m --since ${iso(T0 - 3 * 60_000)} --state-dir st -o 'a/{stream}_{start:%H%M}.mp4' ${E()} --dry-run`,
    exit: 0,
    says: /^Archiving 1 stream \(new: cam\)$/m,
    not: /1 streams/,
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
      expect(r.stderr, context).not.toMatch(/^\s+at |node:internal|please report/m);
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
