import { IncompleteError } from '../errors/incomplete-error.js';
import { count } from '../text/count.js';
import { formatBytes } from '../text/format-bytes.js';
import { formatDuration } from '../time/format-duration.js';
import type { GetDeps, GetOptions, GetResult } from './get-types.js';
import { postStepsOf } from './post-steps/post-steps-of.js';
import { owedSteps, runPostSteps } from './post-steps/run-post-steps.js';
import type { WindowHooks, WindowOutcome } from './window-types.js';

/**
 * The files post-steps run on: the output, or with --split / --gaps split each file written now (not the ones
 * skipped).
 */
function postStepOutputs(result: GetResult, options: GetOptions): string[] {
  if (result.output === '-') return [];
  if (result.output !== null) return [result.output];
  if (options.output.gaps !== 'split' && !options.output.split) return [];
  return [...new Set(result.parts.flatMap((entry) => (entry.output === undefined ? [] : [entry.output])))];
}

function emitSummary(result: GetResult, deps: GetDeps): void {
  const target = result.output === '-' ? '(stdout)' : (result.output ?? count(result.outputs.length, 'file'));
  const tally = [
    formatBytes(result.bytes),
    count(result.parts.length, 'part'),
    count(result.fragments, 'fragment'),
    count(result.gaps.length, 'gap'),
    count(result.retries, 'retry', 'retries'),
  ].join(', ');
  deps.emit({
    type: 'summary',
    output: result.output,
    outputs: result.outputs,
    calls: result.calls,
    bytes: result.bytes,
    fragments: result.fragments,
    gaps: result.gaps.length,
    retries: result.retries,
    durationMs: result.durationMs,
    message: `Wrote ${target} (${tally}) in ${formatDuration(Math.max(result.durationMs, 1))}`,
  });
}

/**
 * The end of a successful download: the `summary` event, then the post-steps (`--exec`, once per file written; the
 * hooks record them as owed first, see docs/pipeline.md) and --fail-on-gap. Throws IncompleteError `E_HOOK` /
 * `E_GAPS` (exit 8) with the output already in place.
 */
export async function finishGet(
  outcome: WindowOutcome,
  options: GetOptions,
  deps: GetDeps,
  hooks: WindowHooks = {},
): Promise<WindowOutcome> {
  const { result } = outcome;
  emitSummary(result, deps);
  const steps = postStepsOf(options.postSteps);
  const owed = owedSteps(steps, postStepOutputs(result, options));
  await hooks.afterWrite?.(outcome, owed);
  await runPostSteps(owed, steps, {
    cwd: deps.cwd,
    signal: deps.signal,
    ...(hooks.onStepDone === undefined ? {} : { onDone: hooks.onStepDone }),
  });
  const gaps = outcome.plan?.gaps.length ?? 0;
  if (options.output.failOnGap && gaps > 0) {
    const target = result.output ?? count(result.outputs.length, 'file');
    throw new IncompleteError('E_GAPS', `The output has ${gaps} gap${gaps === 1 ? '' : 's'} (--fail-on-gap)`, {
      hint: `The file is complete at ${target}; the gaps are missing in the archive itself`,
    });
  }
  return outcome;
}
