import { NotFoundError } from '../../errors/not-found-error.js';
import type { Plan } from '../../plan/plan-parts.js';
import { formatInstant } from '../../time/format-instant.js';
import { resultOf, type ResultFacts } from '../result-of.js';
import type { WindowOutcome } from '../window-types.js';

/**
 * Stage 4: the exits after planning. An empty window is NotFoundError `E_NO_MEDIA` (exit 3), also for a dry run,
 * except in cron mode where empty is success; a dry run stops with the plan. Null: go on and download.
 */
export function emptyOrDryRun(plan: Plan, facts: ResultFacts, emptyIsSuccess: boolean): WindowOutcome | null {
  const { window, options } = facts;
  if (plan.parts.length === 0) {
    if (emptyIsSuccess) return { result: resultOf(facts, plan, { bytes: 0 }), plan, lastFragment: undefined };
    throw new NotFoundError(
      'E_NO_MEDIA',
      `No fragments in ${formatInstant(window.startMs)} → ${formatInstant(window.endMs)} of stream ${options.stream}`,
      { hint: `See what exists with: kvs-clip list ${options.stream} --since …` },
    );
  }
  if (options.download.dryRun) return { result: resultOf(facts, plan), plan, lastFragment: undefined };
  return null;
}
