import { stat } from 'node:fs/promises';
import { IncompleteError } from '../errors/incomplete-error.js';
import type { Fragment } from '../plan/fragment.js';
import type { Plan } from '../plan/plan-parts.js';
import { formatDuration } from '../time/format-duration.js';
import type { GetDeps, GetOptions, GetResult } from './get-types.js';
import type { WindowOutcome } from './run-get.js';
import { runHook } from './run-hook.js';

/** Whether something exists at `path` (a --skip-existing check before any download). */
export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The files --exec runs on: the output, or with --gaps split each file written now (not the ones skipped). */
function hookTargets(result: GetResult, options: GetOptions): string[] {
  if (result.output === '-') return [];
  if (result.output !== null) return [result.output];
  if (options.gaps !== 'split') return [];
  return [...new Set(result.parts.flatMap((entry) => (entry.output === undefined ? [] : [entry.output])))];
}

/**
 * The end of a successful download: the `summary` event, then the --exec hook (once per file written with
 * --gaps split) and --fail-on-gap. Throws
 * IncompleteError `E_HOOK` / `E_GAPS` (exit 8) with the output already in place.
 */
export async function finishGet(
  result: GetResult,
  plan: Plan,
  lastFragment: Fragment | undefined,
  options: GetOptions,
  deps: GetDeps,
): Promise<WindowOutcome> {
  const target = result.output ?? `${result.outputs.length} files`;
  const mb = (result.bytes / 1_000_000).toFixed(1);
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
    message: `Wrote ${target} (${mb} MB, ${result.parts.length} parts, ${result.fragments} fragments, ${result.gaps.length} gaps, ${result.retries} retries) in ${formatDuration(Math.max(result.durationMs, 1))}`,
  });
  if (options.exec !== undefined) {
    for (const path of hookTargets(result, options))
      await runHook(options.exec, path, { cwd: deps.cwd, signal: deps.signal });
  }
  if (options.failOnGap === true && plan.gaps.length > 0) {
    throw new IncompleteError(
      'E_GAPS',
      `The output has ${plan.gaps.length} gap${plan.gaps.length === 1 ? '' : 's'} (--fail-on-gap)`,
      {
        hint: `The file is complete at ${target}; the gaps are missing in the archive itself`,
      },
    );
  }
  return { result, plan, lastFragment };
}
