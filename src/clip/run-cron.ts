import { resolve } from 'node:path';
import { UsageError } from '../errors/usage-error.js';
import { checkStateFilePath } from '../output/check-state-path.js';
import { acquireLock } from '../output/lock.js';
import type { CronState, PendingWindow } from '../output/state-file.js';
import type { TimeRange } from '../plan/fragment.js';
import type { Align } from '../plan/select-window.js';
import { describeWindow } from '../time/describe-window.js';
import { formatDuration } from '../time/format-duration.js';
import { formatInstant } from '../time/format-instant.js';
import { parseInstant } from '../time/parse-instant.js';
import { resolveWindow } from '../time/resolve-window.js';
import type { CronOptions, GetDeps, GetOptions, GetResult } from './get-types.js';
import { cronStore, nextCursor, type CronStore } from './cron-store.js';
import { resultOf } from './result-of.js';
import { settleOwedSteps } from './settle-owed-steps.js';
import type { CallContext } from './plan-window.js';
import type { WindowHooks, WindowOutcome } from './window-types.js';

type FetchWindow = (
  options: GetOptions,
  deps: GetDeps,
  context: CallContext,
  request: { window: TimeRange; align: Align },
  hooks: WindowHooks,
) => Promise<WindowOutcome>;

/**
 * `get --state FILE` (docs/resume-and-state.md, "Cron state"): exactly-once archiving. Holds `FILE.lock`; the window
 * starts at the state's cursor (first run: `--since`) and ends at now − `--settle` (or `--until`); writes `pending`
 * before the first GetClip and moves the cursor to the last fragment's start + 1 ms only after the output is in place.
 * A pending window left by a crashed run is finished (via its resume manifest) or, when its output already exists, just
 * committed. An empty window is success with the cursor at the window end (server timestamps only). Throws OutputError
 * `E_LOCKED` for a live lock, UsageError for a first run without --since or a state of another stream, and whatever the
 * download throws (the state is then left with `pending`).
 */
export async function runCron(
  options: GetOptions,
  cron: CronOptions,
  deps: GetDeps,
  context: CallContext,
  stages: { fetchWindow: FetchWindow },
): Promise<GetResult> {
  const statePath = resolve(deps.cwd, cron.state);
  await checkStateFilePath(statePath, cron.label ?? cron.state);
  const lock = await acquireLock(statePath, { nowMs: deps.nowMs() });
  try {
    const store = cronStore(statePath, options, deps);
    let state = await store.read();
    if (options.time.selector === 'producer') {
      deps.emit({
        type: 'warning',
        code: 'producer-state',
        message:
          'Producer timestamps can be back-filled behind the cursor (offline uploads); --timestamps server is safer with --state',
      });
    }
    if (state?.pending?.written !== undefined) state = await settleOwedSteps(state, store, options, deps);
    return await archiveWindow(state, store, { options, settleMs: cron.settleMs, deps, context, ...stages });
  } finally {
    await lock.release();
  }
}

type CronRun = { options: GetOptions; settleMs: number; deps: GetDeps; context: CallContext; fetchWindow: FetchWindow };

/** One cron window: `pending` before the first GetClip, the post-steps owed once written, then the cursor. */
async function archiveWindow(state: CronState | undefined, store: CronStore, run: CronRun): Promise<GetResult> {
  const { options, deps, settleMs } = run;
  const stateName = options.cron?.label ?? store.path;
  const { window, align, firstRun } = cronWindow(options, state, {
    nowMs: deps.nowMs(),
    settleMs,
    statePath: stateName,
  });
  const cursorMs = state?.cursorMs ?? window.startMs;
  if (window.endMs <= window.startMs) return emptyCronResult(run, window, align, cursorMs);
  const facts = { cursorMs, window, options, lastFragmentNumber: state?.lastFragmentNumber };
  const hooks = pendingHooks(store, facts, state?.pending !== undefined);
  const outcome = await run.fetchWindow(options, deps, run.context, { window, align }, hooks);
  if (options.download.dryRun) return outcome.result;
  const next = nextCursor(outcome.lastFragment, facts);
  await store.save(next);
  if (firstRun && outcome.lastFragment !== undefined)
    deps.emit({
      type: 'warning',
      code: 'state-created',
      message: `Started the archive state ${stateName} at ${formatInstant(window.startMs)}`,
    });
  return { ...outcome.result, stateCursorMs: next.cursorMs };
}

/** Nothing settled yet: success with the cursor where it was. */
function emptyCronResult(run: CronRun, window: TimeRange, align: Align, cursorMs: number): GetResult {
  const { options, deps, settleMs } = run;
  const empty = emptyWindow(options, window, settleMs, deps);
  const facts = { options, window: empty, align, startedMs: deps.nowMs(), nowMs: deps.nowMs, stats: run.context.stats };
  return resultOf(facts, null, { stateCursorMs: cursorMs });
}

/**
 * The window's hooks into the state file: `pending` before the download, the post-steps owed once the output is
 * written (with the cursor they will release), and each step struck off as it succeeds.
 */
function pendingHooks(
  store: CronStore,
  facts: { cursorMs: number; window: TimeRange; options: GetOptions; lastFragmentNumber: string | undefined },
  existingIsDone: boolean,
): WindowHooks {
  const { cursorMs, window, lastFragmentNumber } = facts;
  const keep = lastFragmentNumber === undefined ? {} : { lastFragmentNumber };
  let pending: PendingWindow | undefined;
  const savePending = (next: PendingWindow): Promise<void> =>
    store.save({ cursorMs, ...keep, pending: (pending = next) });
  return {
    emptyIsSuccess: true,
    existingIsDone,
    beforeDownload: (output) => savePending({ startMs: window.startMs, endMs: window.endMs, output }),
    afterWrite: async (written, owed) => {
      if (owed.length === 0) return;
      const output = written.result.output ?? owed[0]?.output ?? '';
      const base = pending ?? { startMs: window.startMs, endMs: window.endMs, output };
      await savePending({ ...base, written: nextCursor(written.lastFragment, facts), steps: [...owed] });
    },
    onStepDone: async (done) => {
      if (pending === undefined) return;
      await savePending({ ...pending, steps: (pending.steps ?? []).filter((step) => step !== done) });
    },
  };
}

/**
 * Nothing settled after the cursor yet (--settle or --until hold it back): the window line still says so, and the
 * window reported is the empty one at its start (never a negative span).
 */
function emptyWindow(options: GetOptions, window: TimeRange, settleMs: number, deps: GetDeps): TimeRange {
  const empty = { startMs: window.startMs, endMs: window.startMs };
  const { selector, tz } = options.time;
  const held = options.time.until === undefined ? `--settle ${formatDuration(settleMs)}` : '--until or --settle';
  const message =
    `${describeWindow(empty, { timeZone: tz, selector })}: nothing settled after the cursor yet (${held}); ` +
    'the next run continues from there';
  deps.emit({ type: 'window', stream: options.stream, window: empty, selector, tz, message });
  return empty;
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
      align: firstRun ? (options.time.align ?? 'cover') : 'inside',
      firstRun,
    };
  }
  const untilMs =
    options.time.until === undefined
      ? settledMs
      : Math.min(
          settledMs,
          parseInstant(options.time.until, { nowMs: facts.nowMs, timeZone: options.time.tz, option: '--until' }),
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
  const resolved = resolveWindow(options.time, { nowMs: facts.nowMs, timeZone: options.time.tz });
  return {
    window: { startMs: resolved.startMs, endMs: Math.min(resolved.endMs, untilMs) },
    align: options.time.align ?? 'cover',
    firstRun: true,
  };
}
