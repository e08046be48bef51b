import type { Fragment } from '../plan/fragment.js';
import type { Plan } from '../plan/plan-parts.js';
import type { GetResult } from './get-types.js';
import type { PendingStep } from './post-steps/post-step.js';

/** What one window's download produced, before cron bookkeeping. */
export type WindowOutcome = {
  readonly result: GetResult;
  readonly plan: Plan | null;
  /** The last fragment fetched (cron cursor), undefined when nothing was. */
  readonly lastFragment: Fragment | undefined;
};

/** Hooks cron mode hangs on one window's download. */
export type WindowHooks = {
  /** Called with the final path just before the first GetClip (two-phase commit: write `pending`). */
  readonly beforeDownload?: (finalPath: string, plan: Plan) => Promise<void>;
  /** Called once the output is in place, before the post-steps run: cron records `owed` in its state first. */
  readonly afterWrite?: (outcome: WindowOutcome, owed: readonly PendingStep[]) => Promise<void>;
  /** Called after each post-step that succeeded (cron removes it from the owed list). */
  readonly onStepDone?: (step: PendingStep) => Promise<void>;
  /** An empty window is success (cron), not NotFoundError E_NO_MEDIA. */
  readonly emptyIsSuccess?: boolean;
  /** The output already exists (a pending window finished earlier): return skipped instead of failing. */
  readonly existingIsDone?: boolean;
};
