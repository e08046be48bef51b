import type { TimeRange } from '../plan/fragment.js';
import type { Plan } from '../plan/plan-parts.js';
import type { Align } from '../plan/select-window.js';
import type { GetOptions, GetResult, PartResult } from './get-types.js';

/** The facts of one window's run that every GetResult carries. */
export type ResultFacts = {
  readonly options: GetOptions;
  readonly window: TimeRange;
  readonly align: Align;
  readonly startedMs: number;
  readonly nowMs: () => number;
  readonly stats: { readonly retries: number };
};

/** The fields a stage or an output target decides (what was written, how many calls). */
export type ResultChanges = Partial<
  Pick<GetResult, 'output' | 'outputs' | 'skipped' | 'calls' | 'parts' | 'bytes' | 'stateCursorMs'>
>;

/**
 * The one function that builds a GetResult: the plan's figures (or zeros without a plan), overridden by what the
 * run actually did. Every exit of the use case (skipped early, empty, dry run, written) goes through it.
 */
export function resultOf(facts: ResultFacts, plan: Plan | null, changes: ResultChanges = {}): GetResult {
  const { options } = facts;
  return {
    stream: options.stream,
    window: facts.window,
    timeZone: options.time.tz,
    selector: options.time.selector,
    align: facts.align,
    covered: plan?.covered ?? null,
    dryRun: options.download.dryRun,
    output: null,
    outputs: [],
    skipped: false,
    calls: 0,
    parts: plan?.parts.map((part): PartResult => ({ part })) ?? [],
    bytes: plan?.sizeBytes ?? 0,
    fragments: plan?.fragmentCount ?? 0,
    gaps: plan?.gaps ?? [],
    retries: facts.stats.retries,
    durationMs: facts.nowMs() - facts.startedMs,
    ...changes,
  };
}
