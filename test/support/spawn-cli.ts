/**
 * Runs the BUILT CLI (`node bin/kvs-clip.js`, after `npm run build`) as a real child process, the way a shell or cron
 * would: for end-to-end tests that assert exit codes, stdout/stderr bytes and the files left behind. Every child is
 * tracked so `killSpawnedClis()` (call it in afterEach) can end the ones a failed test left running, by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The package root (where bin/kvs-clip.js lives). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_BIN = fileURLToPath(new URL('../../bin/kvs-clip.js', import.meta.url));

export type CliResult = {
  /** Exit code, or null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly durationMs: number;
};

export type SpawnCliOptions = {
  readonly cwd: string;
  /** The child's whole environment (nothing is inherited: a developer's AWS settings must not leak in). */
  readonly env: Readonly<Record<string, string>>;
  /** SIGKILL the child after this long and resolve with what it produced (default 120 s). */
  readonly timeoutMs?: number;
};

/** A running CLI: the process, a live view of its output so far, and the promise of its end. */
export type RunningCli = {
  readonly child: ChildProcess;
  readonly pid: number;
  stdoutSoFar(): Buffer;
  stderrSoFar(): string;
  readonly done: Promise<CliResult>;
};

const live = new Set<ChildProcess>();

/** Starts the CLI and returns at once; await `done` for the result. */
export function startCli(args: readonly string[], options: SpawnCliOptions): RunningCli {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd,
    env: { ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${CLI_BIN}`);
  live.add(child);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
        durationMs: Date.now() - startedAt,
      });
    });
  });
  return {
    child,
    pid: child.pid,
    stdoutSoFar: () => Buffer.concat(out),
    stderrSoFar: () => Buffer.concat(err).toString('utf8'),
    done,
  };
}

// Two shared cores: at most this many CLI children run at once from one test file (it.concurrent would start all).
let maxRunning = 3;
let running = 0;

/** Raises or lowers how many runCli children may run at once in this test file (default 3). */
export function setMaxRunningClis(count: number): void {
  maxRunning = count;
}
const waiting: (() => void)[] = [];

async function slot<T>(body: () => Promise<T>): Promise<T> {
  if (running >= maxRunning) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await body();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Runs the CLI to completion (queued behind other runs of this process so the machine is not flooded). */
export function runCli(args: readonly string[], options: SpawnCliOptions): Promise<CliResult> {
  return slot(() => startCli(args, options).done);
}

/** SIGKILLs every CLI child still running (only the ones this helper started). */
export function killSpawnedClis(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

/** The parsed `--json` document on stdout (throws with the raw text when it is not exactly one JSON value). */
export function jsonOf(result: CliResult): Record<string, unknown> {
  const text = result.stdout.toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new Error(
      `stdout is not one JSON document: ${JSON.stringify(text.slice(0, 400))}\nstderr: ${result.stderr.slice(0, 800)}`,
    );
  }
}
