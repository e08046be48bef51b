import type { CronState } from '../output/state-file.js';
import type { CronStore } from './cron-store.js';
import type { GetDeps, GetOptions } from './get-types.js';
import { postStepsOf } from './post-steps/post-steps-of.js';
import { runPostSteps } from './post-steps/run-post-steps.js';

/**
 * A previous run wrote its output but a post-step failed (or the run died before the steps finished): run the
 * steps still owed, with this run's commands, removing each from the state as it succeeds; then move the cursor
 * the way that run would have. A step this run was not asked for is dropped with a warning. Throws what a step
 * throws (the state keeps the steps still owed, the cursor stays).
 */
export async function settleOwedSteps(
  state: CronState,
  store: CronStore,
  options: GetOptions,
  deps: GetDeps,
): Promise<CronState> {
  const pending = state.pending;
  if (pending?.written === undefined) return state;
  const steps = postStepsOf(options.postSteps);
  let owed = [...(pending.steps ?? [])];
  for (const step of owed.filter((entry) => !steps.some((candidate) => candidate.id === entry.id))) {
    deps.emit({
      type: 'warning',
      code: 'post-step-dropped',
      message: `A previous run still owed its ${step.id} step for ${step.output}, but this run was not given one: dropped`,
    });
  }
  const keep = state.lastFragmentNumber === undefined ? {} : { lastFragmentNumber: state.lastFragmentNumber };
  await runPostSteps(owed, steps, {
    cwd: deps.cwd,
    signal: deps.signal,
    onDone: async (done) => {
      owed = owed.filter((entry) => entry !== done);
      await store.save({ cursorMs: state.cursorMs, ...keep, pending: { ...pending, steps: owed } });
    },
  });
  const { written } = pending;
  const next: CronState = { ...state, cursorMs: written.cursorMs };
  delete next.pending;
  if (written.lastFragmentNumber !== undefined) next.lastFragmentNumber = written.lastFragmentNumber;
  await store.save({
    cursorMs: next.cursorMs,
    ...(next.lastFragmentNumber === undefined ? {} : { lastFragmentNumber: next.lastFragmentNumber }),
  });
  return next;
}
