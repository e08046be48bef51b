import { UsageError } from '../errors/usage-error.js';
import { emptyPlanOf, timeWindowSource } from './fetch-by-time-windows.js';
import { finishGet } from './finish-get.js';
import type { GetDeps, GetOptions } from './get-types.js';
import type { CallContext } from './plan-window.js';
import { readSpooledClip } from './read-spooled-clip.js';
import { resultOf, type ResultFacts, type ResultChanges } from './result-of.js';
import { chooseJoinedTarget } from './targets/choose-target.js';
import type { TargetRequest } from './targets/output-target.js';
import type { WindowHooks, WindowOutcome } from './window-types.js';

/**
 * ListFragments was denied: the same joined targets as a listed run (file, fMP4 on stdout, S3 object), filled from
 * adaptive time windows (timeWindowSource) instead of planned parts. No plan, gaps, resume or --split; `--dry-run`
 * can only echo the window. The result and post-steps go through the same resultOf / finishGet as a listed run.
 */
export async function fetchWithoutListing(
  options: GetOptions,
  deps: GetDeps,
  context: CallContext,
  run: { facts: ResultFacts; hooks: WindowHooks; target: TargetRequest },
): Promise<WindowOutcome> {
  const { window } = run.facts;
  const { output } = options;
  const { selector } = options.time;
  const plan = emptyPlanOf(window, selector);
  const outcome = (changes: ResultChanges): WindowOutcome => ({
    result: resultOf(run.facts, null, changes),
    plan,
    lastFragment: undefined,
  });
  if (options.download.dryRun) return outcome({});
  if (output.split || options.cron !== undefined || output.gaps === 'split') {
    throw new UsageError(
      'E_USAGE',
      '--split, --gaps split and --state need ListFragments, which these credentials may not call',
      { hint: 'Allow kinesisvideo:ListFragments for these credentials' },
    );
  }
  const target = chooseJoinedTarget(output, run.target, deps.stdout, deps.objectStore);
  const prepared = await target.prepare(plan);
  if (prepared.kind === 'skip') {
    const [path = null] = prepared.outputs;
    return outcome({ output: path, outputs: prepared.outputs, skipped: true });
  }
  const source = timeWindowSource({ window, selector, readClip: readSpooledClip, kvs: context.kvs }, context);
  const { output: path, outputs, calls, bytes } = await target.write(source);
  return finishGet(outcome({ output: path, outputs, calls, bytes }), options, deps, run.hooks);
}
