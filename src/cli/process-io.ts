import { readFileSync, readlinkSync } from 'node:fs';
import { CancelledError } from '../errors/cancelled-error.js';
import { OutputError } from '../errors/output-error.js';
import { UsageError } from '../errors/usage-error.js';
import type { CliIo } from './io.js';

/** How long a cancelled command may take to clean up before the process exits anyway. */
export const CANCEL_GRACE_MS = 3_000;

/**
 * The real CliIo for this process: its streams and TTY flags, its environment, the clock (the hidden
 * KVS_CLIP_NOW, epoch ms or ISO 8601, pins it for tests), and an AbortSignal fired by SIGINT/SIGTERM with a
 * CancelledError as its reason. A second signal, or a command that ignores the first for CANCEL_GRACE_MS,
 * exits at once with 130/143 so Ctrl-C is always prompt (a command may ask for a longer grace: archive --grace).
 */
export function processIo(): CliIo {
  const controller = new AbortController();
  let graceMs = CANCEL_GRACE_MS;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    const cancelled = new CancelledError(signal);
    if (controller.signal.aborted) process.exit(cancelled.exitCode);
    controller.abort(cancelled);
    setTimeout(() => process.exit(cancelled.exitCode), graceMs).unref();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  // A closed pipe (`kvs-clip streams | head -1`) is the reader's choice, not a crash. Any other failure (a full
  // disk behind `> file`, a revoked terminal) is remembered and turned into exit 7 by settleExitCode.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    stdioFailures.stdout ??= error;
  });
  // A closed or full stderr must not crash the run that is still writing a correct file: nothing more can be said
  // to the user on it, so the failure only shows in the exit code.
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') stdioFailures.stderr ??= error;
  });
  if (stdoutWasClosed()) failWritesToClosedStdout();
  const env = { ...process.env };
  const fixedNow = env['KVS_CLIP_NOW'];
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env,
    now: fixedNow === undefined || fixedNow === '' ? () => Date.now() : fixedClock(fixedNow),
    signal: controller.signal,
    extendCancelGrace: (ms) => {
      graceMs = Math.max(graceMs, ms);
    },
  };
}

const stdioFailures: { stdout?: NodeJS.ErrnoException; stderr?: NodeJS.ErrnoException } = {};

/**
 * The exit code after a command returned `exitCode`: a successful run whose stdout (or stderr) could not be written
 * is exit 7 `E_OUTPUT_WRITE`, with one line on stderr naming the errno (a run that failed keeps its own code and
 * message). Call once, after stdout was flushed.
 */
export function settleExitCode(exitCode: number): number {
  const failure = stdioFailures.stdout ?? stdioFailures.stderr;
  if (failure === undefined || exitCode !== 0) return exitCode;
  const where = stdioFailures.stdout === undefined ? 'stderr' : 'stdout';
  const line = `kvs-clip: Could not write to ${where}: ${describeErrno(failure)}\n`;
  if (stdioFailures.stderr === undefined) process.stderr.write(line);
  return OUTPUT_ERROR_EXIT;
}

/**
 * `kvs-clip … >&-` starts with fd 1 closed; Node then opens /dev/null read-write on it, so writes "succeed". That
 * is told apart from `> /dev/null` (opened write-only by the shell) by the access mode in /proc/self/fdinfo/1
 * (Linux only; elsewhere a closed stdout is not detected). `1<> /dev/null` reads as closed too.
 */
function stdoutWasClosed(): boolean {
  try {
    if (readlinkSync('/proc/self/fd/1') !== '/dev/null') return false;
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'))?.[1];
    return flags !== undefined && (Number.parseInt(flags, 8) & 0o3) === 0o2;
  } catch {
    return false;
  }
}

/** The first write to a closed stdout is remembered as EBADF: settleExitCode makes the run exit 7. */
function failWritesToClosedStdout(): void {
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = (...args: unknown[]): boolean => {
    stdioFailures.stdout ??= Object.assign(new Error('stdout is closed'), { code: 'EBADF' });
    return write(...args);
  };
}

/** Exit code of OutputError (E_OUTPUT_WRITE), from the table in src/errors/exit-codes.ts. */
const OUTPUT_ERROR_EXIT = new OutputError('E_OUTPUT_WRITE', '').exitCode;

function describeErrno(error: NodeJS.ErrnoException): string {
  const words: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EIO: 'I/O error',
    EBADF: 'it is closed',
  };
  const code = error.code ?? 'error';
  return `${words[code] ?? error.message} (${code})`;
}

/**
 * KVS_CLIP_NOW pins the instant the process starts at; the clock then runs on from there in real time. A frozen
 * clock would also freeze the pacer and the retry budget (each GetClip waiting longer than the one before, and
 * --retry-max-time never expiring), which the reliability suite caught.
 */
function fixedClock(text: string): () => number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  const startedAt = Date.now();
  return () => {
    if (!Number.isFinite(ms))
      throw new UsageError('E_USAGE', `KVS_CLIP_NOW is neither epoch ms nor ISO 8601: "${text}"`);
    return ms + (Date.now() - startedAt);
  };
}
