/**
 * One reliability scenario: a fresh emulator (so fault counters start at zero), a fresh output directory, the built
 * CLI run to completion against it, and everything a test needs to judge the run: exit code, JSON document, output
 * hash, files left behind, and the emulator's request log with the pacing figures derived from it.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultSpec } from '../../src/emulator/faults.js';
import type { RequestLogEntry } from '../../src/emulator/request-log.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { runCli, type CliResult } from '../support/spawn-cli.js';
import {
  STREAM,
  baseEmulatorOptions,
  cliEnv,
  listTree,
  rangeArgs,
  sha256File,
  workDir,
} from './reliability-fixture.js';

/** The range every download scenario fetches: 90 s of 1 s fragments, four parts under the 25-fragment cap. */
export const RANGE = rangeArgs(1.5);
export const OUTPUT = 'out.mp4';

export type PacingFigures = {
  /** ClientLimitExceeded answers the emulator's quotas produced (not injected faults): our pacing's failures. */
  readonly quotaRejections: number;
  readonly getClipCalls: number;
  /** Smallest gap between two GetClip arrivals, ms (Infinity with fewer than two calls). */
  readonly minGetClipGapMs: number;
  /** Most GetClip arrivals inside any one-second window. */
  readonly maxGetClipPerSecond: number;
  readonly injectedFaults: number;
};

export type ScenarioRun = {
  readonly result: CliResult;
  readonly dir: string;
  readonly outputSha: string | null;
  readonly files: ReturnType<typeof listTree>;
  readonly log: readonly RequestLogEntry[];
  readonly pacing: PacingFigures;
};

/** Derives the pacing figures from a request log. */
export function pacingOf(log: readonly RequestLogEntry[]): PacingFigures {
  const clips = log
    .filter((entry) => entry.op === 'GetClip')
    .map((entry) => entry.at)
    .sort((a, b) => a - b);
  let minGap = Infinity;
  let maxPerSecond = clips.length > 0 ? 1 : 0;
  for (let i = 1; i < clips.length; i++) minGap = Math.min(minGap, (clips[i] ?? 0) - (clips[i - 1] ?? 0));
  for (let i = 0; i < clips.length; i++) {
    const start = clips[i] ?? 0;
    maxPerSecond = Math.max(maxPerSecond, clips.filter((at) => at >= start && at < start + 1000).length);
  }
  return {
    quotaRejections: log.filter(
      (entry) => entry.errorType === 'ClientLimitExceededException' && entry.fault === undefined,
    ).length,
    getClipCalls: clips.length,
    minGetClipGapMs: minGap,
    maxGetClipPerSecond: maxPerSecond,
    injectedFaults: log.filter((entry) => entry.fault !== undefined).length,
  };
}

export type ScenarioOptions = {
  readonly faults?: readonly FaultSpec[];
  readonly emulator?: Partial<EmulatorOptions>;
  /** Extra CLI arguments (after the range, output and --json). */
  readonly args?: readonly string[];
  /** Reuse this directory (a rerun after a failure) instead of a fresh one. */
  readonly dir?: string;
  readonly timeoutMs?: number;
  /** Set KVS_CLIP_NOW = T0 (the hidden test clock) in the child's environment. */
  readonly pinNow?: boolean;
};

/** Starts an emulator with `faults`, runs `kvs-clip get cam <RANGE> -o out.mp4 --json` in a directory, closes it. */
export async function runScenario(options: ScenarioOptions, cleanups: (() => void)[]): Promise<ScenarioRun> {
  const emu = await startEmulator(baseEmulatorOptions({ ...options.emulator, faults: options.faults ?? [] }));
  try {
    return await runAgainst(emu, options, cleanups);
  } finally {
    await emu.close();
  }
}

/** Runs the standard get against a running emulator (its log is read after the run and then cleared). */
export async function runAgainst(
  emu: RunningEmulator,
  options: ScenarioOptions,
  cleanups: (() => void)[],
): Promise<ScenarioRun> {
  let dir = options.dir;
  if (dir === undefined) {
    const created = workDir('scenario');
    cleanups.push(created.cleanup);
    dir = created.dir;
  }
  // HOME lives outside the output directory, so the files listed afterwards are only what the CLI wrote there.
  const home = workDir('home');
  cleanups.push(home.cleanup);
  emu.log.clear();
  const result = await runCli(
    ['get', STREAM, ...RANGE, '-o', OUTPUT, '--json', '--endpoint-url', emu.url, ...(options.args ?? [])],
    {
      cwd: dir,
      env: cliEnv(home.dir, { pinNow: options.pinNow === true }),
      timeoutMs: options.timeoutMs ?? 150_000,
    },
  );
  const output = join(dir, OUTPUT);
  const log = [...emu.log.entries];
  return {
    result,
    dir,
    outputSha: existsSync(output) ? sha256File(output) : null,
    files: listTree(dir),
    log,
    pacing: pacingOf(log),
  };
}

/** Appends one figure record for RESULTS.md when KVS_CLIP_RELIABILITY_RESULTS names a file (a JSONL sink). */
export function recordFigure(record: Record<string, unknown>): void {
  const sink = process.env['KVS_CLIP_RELIABILITY_RESULTS'];
  if (sink === undefined || sink === '') return;
  appendFileSync(sink, `${JSON.stringify(record)}\n`);
}
