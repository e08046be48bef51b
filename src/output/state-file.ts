import { readFile } from 'node:fs/promises';
import { InternalError } from '../errors/internal-error.js';
import { UsageError } from '../errors/usage-error.js';
import { toOutputError } from './to-output-error.js';
import { writeFileAtomic } from './write-file-atomic.js';

export const STATE_VERSION = 1;

/**
 * The cron state of ux.md §10. `cursorMs` is where the next run's window starts (the last included fragment's
 * start + 1 ms); `pending` is the window a run promised to write before downloading (two-phase commit).
 */
export type CronState = {
  version: typeof STATE_VERSION;
  stream: string;
  selector: 'server' | 'producer';
  cursorMs: number;
  lastFragmentNumber?: string;
  pending?: PendingWindow;
  /** ISO 8601 UTC time of the write, for humans reading the file. */
  updatedAt: string;
};

/**
 * A window a run promised to write. Once its output is in place, `written` holds where the cursor goes and
 * `steps` the post-steps still owed (`--exec`, …): the next run runs those before it moves the cursor.
 */
export type PendingWindow = {
  startMs: number;
  endMs: number;
  output: string;
  written?: { cursorMs: number; lastFragmentNumber?: string };
  steps?: { id: string; output: string }[];
};

function corrupt(path: string, why: string, cause?: unknown): UsageError {
  return new UsageError('E_USAGE', `State file "${path}" is unusable: ${why}`, {
    hint: 'fix or delete it and pass --since to start again; kvs-clip never restarts a cron archive silently',
    ...(cause === undefined ? {} : { cause }),
  });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isInstant = (value: unknown): value is number => Number.isSafeInteger(value) && Number(value) >= 0;

function check(path: string, value: unknown): CronState {
  if (!isObject(value)) throw corrupt(path, 'not a JSON object');
  const { version, stream, selector, cursorMs, lastFragmentNumber, pending, updatedAt } = value;
  if (typeof version === 'number' && version > STATE_VERSION) {
    throw corrupt(path, `written by a newer kvs-clip (version ${version})`);
  }
  if (version !== STATE_VERSION) throw corrupt(path, `unknown version ${JSON.stringify(version)}`);
  if (typeof stream !== 'string' || stream === '') throw corrupt(path, '"stream" is missing');
  if (selector !== 'server' && selector !== 'producer') throw corrupt(path, '"selector" must be server or producer');
  if (!isInstant(cursorMs)) throw corrupt(path, '"cursorMs" is not an epoch-ms integer');
  if (typeof updatedAt !== 'string' || Number.isNaN(Date.parse(updatedAt))) {
    throw corrupt(path, '"updatedAt" is not an ISO 8601 time');
  }
  const state: CronState = { version, stream, selector, cursorMs, updatedAt };
  if (lastFragmentNumber !== undefined) {
    if (typeof lastFragmentNumber !== 'string' || !/^\d+$/.test(lastFragmentNumber)) {
      throw corrupt(path, '"lastFragmentNumber" is not a decimal string');
    }
    state.lastFragmentNumber = lastFragmentNumber;
  }
  if (pending !== undefined) {
    if (
      !isObject(pending) ||
      !isInstant(pending['startMs']) ||
      !isInstant(pending['endMs']) ||
      typeof pending['output'] !== 'string'
    ) {
      throw corrupt(path, '"pending" needs startMs, endMs and output');
    }
    state.pending = { startMs: pending['startMs'], endMs: pending['endMs'], output: pending['output'] };
    const written = checkWritten(path, pending['written']);
    if (written !== undefined) state.pending.written = written;
    const steps = checkSteps(path, pending['steps']);
    if (steps !== undefined) state.pending.steps = steps;
  }
  return state;
}

function checkWritten(path: string, value: unknown): PendingWindow['written'] {
  if (value === undefined) return undefined;
  if (!isObject(value) || !isInstant(value['cursorMs'])) throw corrupt(path, '"pending.written" needs cursorMs');
  const last = value['lastFragmentNumber'];
  if (last === undefined) return { cursorMs: value['cursorMs'] };
  if (typeof last !== 'string' || !/^\d+$/.test(last))
    throw corrupt(path, '"pending.written.lastFragmentNumber" is not a decimal string');
  return { cursorMs: value['cursorMs'], lastFragmentNumber: last };
}

function checkSteps(path: string, value: unknown): PendingWindow['steps'] {
  if (value === undefined) return undefined;
  const valid = (step: unknown): step is { id: string; output: string } =>
    isObject(step) && typeof step['id'] === 'string' && typeof step['output'] === 'string';
  if (!Array.isArray(value) || !value.every(valid)) throw corrupt(path, '"pending.steps" needs { id, output } entries');
  return value.map((step) => ({ id: step.id, output: step.output }));
}

/**
 * Reads a `--state` file; undefined when it does not exist yet (the first run, which needs --since). Throws
 * UsageError `E_USAGE` for a file that is not a valid version-1 state (never a silent restart, which would
 * re-download or skip footage), OutputError `E_OUTPUT_WRITE` when it cannot be read.
 */
export async function readState(path: string): Promise<CronState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw toOutputError(error, path);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, 'not valid JSON', error);
  }
  return check(path, value);
}

/**
 * Writes a `--state` file atomically (temp + fsync + rename, mode 0o600), so a crash leaves the old or the new
 * state. The caller sets `updatedAt` (no clock here). Throws OutputError `E_OUTPUT_WRITE`, or InternalError for a
 * state that would not read back (a bug in the caller, not the user's doing).
 */
export async function writeState(path: string, state: CronState): Promise<void> {
  let checked: CronState;
  try {
    checked = check(path, state);
  } catch (error) {
    throw new InternalError(`Refusing to write an invalid cron state to "${path}"`, { cause: error });
  }
  await writeFileAtomic(path, `${JSON.stringify(checked, null, 2)}\n`);
}
