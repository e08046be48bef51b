import { resolve } from 'node:path';
import { UsageError } from '../errors/usage-error.js';
import { acquireLock } from '../output/lock.js';
import { readState, writeState, STATE_VERSION, type CronState } from '../output/state-file.js';
import { fragmentStartMs, type TimeRange } from '../plan/fragment.js';
import type { Align } from '../plan/select-window.js';
import { formatInstant } from '../time/format-instant.js';
import { parseInstant } from '../time/parse-instant.js';
import { resolveWindow } from '../time/resolve-window.js';
import type { GetDeps, GetOptions, GetResult } from './get-types.js';
import type { CallContext } from './plan-window.js';
import type { WindowHooks, WindowOutcome } from './run-get.js';

type FetchWindow = (
  options: GetOptions,
  deps: GetDeps,
  context: CallContext,
  request: { window: TimeRange; align: Align },
  hooks: WindowHooks,
) => Promise<WindowOutcome>;

/**
 * `get --state FILE` (ux.md §10): exactly-once archiving. Holds `FILE.lock`; the window starts at the state's cursor
 * (first run: `--since`) and ends at now − `--settle` (or `--until`); writes `pending` before the first GetClip and
 * moves the cursor to the last fragment's start + 1 ms only after the output is in place. A pending window left by
 * a crashed run is finished (via its resume manifest) or, when its output already exists, just committed. An empty
 * window is success with the cursor at the window end (server timestamps only).
 * Throws OutputError `E_LOCKED` for a live lock, UsageError for a first run without --since or a state of another
 * stream, and whatever the download throws (the state is then left with `pending`).
 */
export async function runCron(
  options: GetOptions,
  deps: GetDeps,
  context: CallContext,
  stages: { fetchWindow: FetchWindow },
): Promise<GetResult> {
  const statePath = resolve(deps.cwd, options.state ?? '');
  const lock = await acquireLock(statePath, { nowMs: deps.nowMs() });
  try {
    const state = await readState(statePath);
    if (state !== undefined && (state.stream !== options.stream || state.selector !== options.selector)) {
      throw new UsageError(
        'E_USAGE',
        `State file ${statePath} belongs to ${state.stream} (${state.selector} timestamps), not ${options.stream} (${options.selector})`,
        {
          hint: 'Use one state file per stream and selector',
        },
      );
    }
    if (options.selector === 'producer') {
      deps.emit({
        type: 'warning',
        code: 'producer-state',
        message:
          'Producer timestamps can be back-filled behind the cursor (offline uploads); --timestamps server is safer with --state',
      });
    }
    const nowMs = deps.nowMs();
    const settleMs = options.settleMs ?? 60_000;
    const { window, align, firstRun } = cronWindow(options, state, { nowMs, settleMs, statePath });
    const save = (next: Omit<CronState, 'version' | 'stream' | 'selector' | 'updatedAt'>): Promise<void> =>
      writeState(statePath, {
        version: STATE_VERSION,
        stream: options.stream,
        selector: options.selector,
        ...next,
        updatedAt: new Date(deps.nowMs()).toISOString(),
      });
    const cursorMs = state?.cursorMs ?? window.startMs;
    const lastFragmentNumber = state?.lastFragmentNumber;
    const keep = lastFragmentNumber === undefined ? {} : { lastFragmentNumber };
    if (window.endMs <= window.startMs) return emptyResult(options, window, align, cursorMs);
    const outcome = await stages.fetchWindow(
      options,
      deps,
      context,
      { window, align },
      {
        emptyIsSuccess: true,
        existingIsDone: state?.pending !== undefined,
        beforeDownload: (output) =>
          save({ cursorMs, ...keep, pending: { startMs: window.startMs, endMs: window.endMs, output } }),
      },
    );
    if (options.dryRun === true) return outcome.result;
    const last = outcome.lastFragment;
    if (last === undefined) {
      // Nothing in the window: with server timestamps nothing can appear behind the cursor any more.
      const next = options.selector === 'server' ? Math.max(cursorMs, window.endMs) : cursorMs;
      await save({ cursorMs: next, ...keep });
      return { ...outcome.result, stateCursorMs: next };
    }
    const next = fragmentStartMs(last, options.selector) + 1;
    await save({ cursorMs: next, lastFragmentNumber: last.fragmentNumber });
    if (firstRun)
      deps.emit({
        type: 'warning',
        code: 'state-created',
        message: `Started the archive state ${statePath} at ${formatInstant(window.startMs)}`,
      });
    return { ...outcome.result, stateCursorMs: next };
  } finally {
    await lock.release();
  }
}

function cronWindow(
  options: GetOptions,
  state: CronState | undefined,
  facts: { nowMs: number; settleMs: number; statePath: string },
): { window: TimeRange; align: Align; firstRun: boolean } {
  const settledMs = facts.nowMs - facts.settleMs;
  if (state?.pending !== undefined) {
    // A crashed run promised this window: finish exactly it (its manifest makes the rerun byte-identical).
    const firstRun = state.lastFragmentNumber === undefined && state.cursorMs === state.pending.startMs;
    return {
      window: { startMs: state.pending.startMs, endMs: state.pending.endMs },
      align: firstRun ? (options.align ?? 'cover') : 'inside',
      firstRun,
    };
  }
  const untilMs =
    options.time.until === undefined
      ? settledMs
      : Math.min(
          settledMs,
          parseInstant(options.time.until, { nowMs: facts.nowMs, timeZone: options.timeZone, option: '--until' }),
        );
  if (state !== undefined) {
    // After the first run the cursor is an exact fragment boundary: only fragments starting at or after it.
    return { window: { startMs: state.cursorMs, endMs: untilMs }, align: 'inside', firstRun: false };
  }
  const { since, range, last, at } = options.time;
  if (since === undefined && range === undefined && last === undefined && at === undefined) {
    throw new UsageError('E_USAGE', `State file ${facts.statePath} does not exist yet and no start was given`, {
      hint: 'Pass --since for the first run, e.g. --since 1h',
    });
  }
  const resolved = resolveWindow(options.time, { nowMs: facts.nowMs, timeZone: options.timeZone });
  return {
    window: { startMs: resolved.startMs, endMs: Math.min(resolved.endMs, untilMs) },
    align: options.align ?? 'cover',
    firstRun: true,
  };
}

function emptyResult(options: GetOptions, window: TimeRange, align: Align, cursorMs: number): GetResult {
  return {
    stream: options.stream,
    window,
    timeZone: options.timeZone,
    selector: options.selector,
    align,
    covered: null,
    dryRun: options.dryRun === true,
    output: null,
    outputs: [],
    skipped: false,
    calls: 0,
    parts: [],
    bytes: 0,
    fragments: 0,
    gaps: [],
    retries: 0,
    durationMs: 0,
    stateCursorMs: cursorMs,
  };
}
