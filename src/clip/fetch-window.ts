import type { TimeRange } from '../plan/fragment.js';
import { findFragment } from '../plan/fragment-table.js';
import type { Align } from '../plan/select-window.js';
import { DEFAULT_TEMPLATE } from '../output/template.js';
import type { AskedRequest } from './asked-request.js';
import { describeWindow } from '../time/describe-window.js';
import { withoutKeptParts } from '../errors/remote-error.js';
import { checkGapSplitOptions } from './download-gap-runs.js';
import { checkSplitOptions } from './download-split.js';
import { fetchWithoutListing } from './fetch-without-listing.js';
import { finishGet } from './finish-get.js';
import { joinLayoutOf } from './join-layout-of.js';
import type { GetDeps, GetOptions } from './get-types.js';
import { describeAndClamp, planWindow, type CallContext } from './plan-window.js';
import { resultOf, type ResultFacts } from './result-of.js';
import { checkOutputStage } from './stages/check-output-stage.js';
import { emptyOrDryRun } from './stages/empty-or-dry-run.js';
import { partSource } from './stages/part-source.js';
import { chooseTarget } from './targets/choose-target.js';
import type { TargetRequest } from './targets/output-target.js';
import type { WindowHooks, WindowOutcome } from './window-types.js';

/**
 * One resolved window of `get`, as named stages: check the output early → describe and clamp → plan → exits
 * (dry run, empty window) → choose the output target → download into it → finish and post-steps. The whole of a
 * plain run, or one cron run. docs/pipeline.md describes each stage.
 */
export async function fetchWindow(
  options: GetOptions,
  deps: GetDeps,
  context: CallContext,
  request: { window: TimeRange; align: Align; asked?: AskedRequest },
  hooks: WindowHooks,
): Promise<WindowOutcome> {
  const startedMs = deps.nowMs();
  const facts = (window: TimeRange): ResultFacts => ({ ...request, options, window, startedMs, ...context });
  checkGapSplitOptions(options);
  checkSplitOptions(options);
  const skipTo = (window: TimeRange, path: string): WindowOutcome => ({
    result: resultOf(facts(window), null, { output: path, outputs: [path], skipped: true }),
    plan: null,
    lastFragment: undefined,
  });
  const early = await checkOutputStage(options, { cwd: deps.cwd, window: request.window, when: 'before-describe' });
  if (early !== null) return skipTo(request.window, early);
  const { arn, window } = await beforeAnyPart(describeAndClamp(options.stream, request.window, context));
  const late = await checkOutputStage(options, { cwd: deps.cwd, window, when: 'after-describe' });
  if (late !== null) return skipTo(window, late);
  const { selector, tz } = options.time;
  const message = describeWindow(window, { timeZone: tz, selector });
  deps.emit({ type: 'window', stream: options.stream, window, selector, tz, message });
  const { limits: given, dryRun } = options.download;
  const limits = given === undefined ? {} : { limits: given };
  const planned = await beforeAnyPart(
    planWindow(window, { selector, align: request.align, dryRun, ...limits }, context),
  );
  const targetRequest = targetRequestOf(options, deps, { ...request, arn, window, hooks });
  if (planned === null)
    return fetchWithoutListing(options, deps, context, { facts: facts(window), hooks, target: targetRequest });
  const { plan, fragments } = planned;
  const exit = emptyOrDryRun(plan, facts(window), hooks.emptyIsSuccess === true);
  if (exit !== null) return exit;
  const lastPart = plan.parts[plan.parts.length - 1];
  const lastFragment = findFragment(fragments, lastPart?.lastFragmentNumber);
  const target = chooseTarget(options.output, targetRequest, deps.stdout, deps.objectStore);
  const prepared = await target.prepare(plan);
  if (prepared.kind === 'skip') {
    const [output = null] = prepared.outputs;
    const skipped = { output, outputs: prepared.outputs, skipped: true, bytes: 0 };
    return { result: resultOf(facts(window), plan, skipped), plan, lastFragment };
  }
  if (prepared.pendingOutput !== undefined) await hooks.beforeDownload?.(prepared.pendingOutput, plan);
  const written = await target.write(partSource(planned, options, context));
  return finishGet({ result: resultOf(facts(window), plan, written), plan, lastFragment }, options, deps, hooks);
}

/** A failure before any part is fetched (DescribeStream, ListFragments): its hint must not promise kept parts. */
function beforeAnyPart<T>(stage: Promise<T>): Promise<T> {
  return stage.catch((error: unknown) => {
    throw withoutKeptParts(error);
  });
}

/** The resolved request and output flags every target of this window shares. */
function targetRequestOf(
  options: GetOptions,
  deps: GetDeps,
  resolved: { arn: string; window: TimeRange; align: Align; asked?: AskedRequest; hooks: WindowHooks },
): TargetRequest {
  const { output, download } = options;
  return {
    stream: options.stream,
    streamArn: resolved.arn,
    selector: options.time.selector,
    align: resolved.align,
    window: resolved.window,
    layout: joinLayoutOf(output),
    cwd: deps.cwd,
    template: output.path ?? DEFAULT_TEMPLATE,
    force: output.force,
    mkdir: output.mkdir,
    skipExisting: output.skipExisting,
    existingIsDone: resolved.hooks.existingIsDone === true,
    resume: download.continue,
    keepParts: download.keepParts,
    ...(resolved.asked === undefined ? {} : { asked: resolved.asked }),
  };
}
