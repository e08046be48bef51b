import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sleepUnlessCancelled } from '../download/cancellation.js';
import type { EventSink } from '../download/events.js';
import { createPacer } from '../download/pacer.js';
import { DEFAULT_RETRY_BUDGET } from '../download/retry-policy.js';
import { InternalError } from '../errors/internal-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { StreamRef } from '../kvs/stream-ref.js';
import { prepareOutput } from '../output/atomic-file.js';
import { DEFAULT_TEMPLATE, renderTemplate } from '../output/template.js';
import type { Fragment, TimeRange } from '../plan/fragment.js';
import type { Plan } from '../plan/plan-parts.js';
import type { Align } from '../plan/select-window.js';
import { describeWindow } from '../time/describe-window.js';
import { formatInstant } from '../time/format-instant.js';
import { resolveWindow } from '../time/resolve-window.js';
import { downloadAndJoin } from './download-and-join.js';
import { downloadSplit } from './download-split.js';
import type { GetDeps, GetOptions, GetResult, PartResult } from './get-types.js';
import type { JoinLayout } from './join-port.js';
import { openMp4Joiner } from './open-joiner.js';
import { describeAndClamp, listAllFragments, planWindow, type CallContext } from './plan-window.js';
import { planReplanner } from './plan-replanner.js';
import { readSpooledClip } from './read-spooled-clip.js';
import { runCron } from './run-cron.js';
import { fetchWithoutListing } from './fetch-without-listing.js';
import { finishGet, pathExists } from './finish-get.js';
import { checkGapSplitOptions, downloadGapRuns, splitAtGaps } from './download-gap-runs.js';
import { checkOutputEarly, nameNeedsClampedWindow, type EarlyOutputCheck } from './check-output-early.js';
import { sessionPort } from './session-port.js';

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
  /** An empty window is success (cron), not NotFoundError E_NO_MEDIA. */
  readonly emptyIsSuccess?: boolean;
  /** The output already exists (a pending window finished earlier): return skipped instead of failing. */
  readonly existingIsDone?: boolean;
};

/**
 * `kvs-clip get`: the one use case that knows every stage (style.md §3). Resolves the window (echoed as a `window`
 * event), checks the stream and its retention, lists and plans (`plan` event; `--dry-run` stops here), downloads
 * the parts paced and retried, joins them into `<final>.part` and renames it into place, then runs the `--exec` hook.
 * With `--state` it archives exactly once from the state's cursor (ux.md §10).
 *
 * Throws the typed errors of ux.md §3: UsageError (time, manifest mismatch), NotFoundError (stream, no media),
 * AuthError, RemoteError (after retries), MediaError, OutputError (exists, write, locked), IncompleteError (after
 * writing: --fail-on-gap, --exec), CancelledError when `deps.signal` fires. Never leaves a file under the final name
 * unless it is complete.
 */
export async function runGet(options: GetOptions, deps: GetDeps): Promise<GetResult> {
  const context = createContext(options, deps);
  if (options.state !== undefined) return runCron(options, deps, context, { fetchWindow });
  const resolved = resolveWindow(options.time, { nowMs: deps.nowMs(), timeZone: options.timeZone });
  const { result } = await fetchWindow(
    options,
    deps,
    context,
    { window: resolved, align: options.align ?? 'cover' },
    {},
  );
  return result;
}

function createContext(options: GetOptions, deps: GetDeps): CallContext {
  const stream: StreamRef =
    options.streamArn === undefined ? { streamName: options.stream } : { streamArn: options.streamArn };
  let paceList: () => Promise<void> = () => Promise.resolve();
  // 20 % under the documented per-stream TPS: a request's arrival lags its reservation by the time it takes to
  // resolve credentials, sign and connect, which varies by hundreds of milliseconds on a loaded machine (measured in
  // the fault matrix: two GetClip calls 797 ms apart at 0.95/s), and must not squeeze two calls into one of the
  // service's seconds. 0.8 calls/s × 200 fragments still exceeds the default fragment budget of 250/s.
  const pacer = createPacer(
    {
      getClipPerSecond: 0.8,
      fragmentsPerSecond: options.fragmentRate ?? 250,
      listFragmentsPerSecond: 4,
      unpacedUntilThrottle: options.pacing === false,
    },
    deps.nowMs(),
  );
  // GetClip throttles reach the pacer through fetchParts' onThrottle; a throttled listing only shows as its retry
  // event, and under --no-pacing it too must turn pacing on (a paced run keeps its GetClip rate on a list throttle).
  const emit: EventSink = (event) => {
    if (event.type === 'retry' && event.op === 'ListFragments' && event.errorClass === 'throttle' && !pacer.paced)
      pacer.noteThrottle();
    deps.emit(event);
  };
  // GetClip is reserved in the session's last step before sending (see sessionPort), keyed by the call's signal.
  const clipFragments = new WeakMap<AbortSignal, number>();
  const session = deps.openSession({
    stream,
    beforeRequest: (op, signal) => {
      if (op === 'ListFragments') return paceList();
      if (op !== 'GetClip' || signal === undefined) return Promise.resolve();
      const wait = pacer.reserveGetClip(clipFragments.get(signal) ?? 1, deps.nowMs());
      return sleepUnlessCancelled(wait, { sleep: deps.sleep, signal });
    },
  });
  return {
    kvs: sessionPort(session, { setListPacer: (pace) => (paceList = pace), clipFragments }),
    pacer,
    budget: {
      ...DEFAULT_RETRY_BUDGET,
      retries: options.retries ?? DEFAULT_RETRY_BUDGET.retries,
      retryMaxTimeMs: options.retryMaxTimeMs ?? DEFAULT_RETRY_BUDGET.retryMaxTimeMs,
    },
    nowMs: deps.nowMs,
    sleep: deps.sleep,
    random: deps.random,
    signal: deps.signal,
    emit,
    stats: { retries: 0 },
  };
}

/**
 * Downloads one resolved window: the whole of a plain run, or one cron run. Exported for run-cron only.
 */
export async function fetchWindow(
  options: GetOptions,
  deps: GetDeps,
  context: CallContext,
  request: { window: TimeRange; align: Align },
  hooks: WindowHooks,
): Promise<WindowOutcome> {
  const startedMs = deps.nowMs();
  const { selector, timeZone } = options;
  // Fail fast on the output (ux.md §5): before any network call when the name is known up front, else right after
  // DescribeStream (the retention clamp may move {start}). Cron mode keeps its own bookkeeping of existing outputs.
  checkGapSplitOptions(options);
  const early = options.state === undefined;
  const checkOutput = (window: TimeRange): Promise<EarlyOutputCheck> =>
    checkOutputEarly(options, { cwd: deps.cwd, window, existingIsDone: false });
  const skippedEarly = (window: TimeRange, finalPath: string): WindowOutcome => ({
    result: {
      ...{ stream: options.stream, window, timeZone, selector, align: request.align, covered: null, dryRun: false },
      ...{
        output: finalPath,
        outputs: [finalPath],
        skipped: true,
        calls: 0,
        parts: [],
        bytes: 0,
        fragments: 0,
        gaps: [],
      },
      ...{ retries: context.stats.retries, durationMs: deps.nowMs() - startedMs },
    },
    plan: null,
    lastFragment: undefined,
  });
  if (early && !nameNeedsClampedWindow(options)) {
    const checked = await checkOutput(request.window);
    if (checked.kind === 'skip') return skippedEarly(request.window, checked.finalPath);
  }
  const { arn, window } = await describeAndClamp(options.stream, request.window, context);
  if (early && nameNeedsClampedWindow(options)) {
    const checked = await checkOutput(window);
    if (checked.kind === 'skip') return skippedEarly(window, checked.finalPath);
  }
  deps.emit({
    type: 'window',
    stream: options.stream,
    window,
    selector,
    tz: timeZone,
    message: describeWindow(window, { timeZone, selector }),
  });
  const base = {
    stream: options.stream,
    window,
    timeZone,
    selector,
    align: request.align,
    dryRun: options.dryRun === true,
    output: null,
    outputs: [],
    skipped: false,
    calls: 0,
    retries: 0,
  };
  const dryRun = options.dryRun === true;
  const planned = await planWindow(
    window,
    { selector, align: request.align, dryRun, ...(options.limits === undefined ? {} : { limits: options.limits }) },
    context,
  );
  if (planned === null) {
    return fetchWithoutListing(options, deps, context, { window, base, startedMs, dryRun });
  }
  const { plan, fragments } = planned;
  const summaryOf = (extra: Partial<GetResult>): GetResult => ({
    ...base,
    covered: plan.covered,
    parts: plan.parts.map((part): PartResult => ({ part })),
    bytes: plan.sizeBytes,
    fragments: plan.fragmentCount,
    gaps: plan.gaps,
    retries: context.stats.retries,
    durationMs: deps.nowMs() - startedMs,
    ...extra,
  });
  // A dry run of an empty window is still exit 3 (ux.md §9), except in cron mode where empty is success.
  if (plan.parts.length === 0) {
    if (hooks.emptyIsSuccess === true) return { result: summaryOf({ bytes: 0 }), plan, lastFragment: undefined };
    throw new NotFoundError(
      'E_NO_MEDIA',
      `No fragments in ${formatInstant(window.startMs)} → ${formatInstant(window.endMs)} of stream ${options.stream}`,
      {
        hint: `See what exists with: kvs-clip list ${options.stream} --since …`,
      },
    );
  }
  if (dryRun) return { result: summaryOf({}), plan, lastFragment: undefined };
  const lastPart = plan.parts[plan.parts.length - 1];
  const lastFragment = fragments.find((fragment) => fragment.fragmentNumber === lastPart?.lastFragmentNumber);
  const replanner = planReplanner({
    fragments,
    selector,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    list: (range) => listAllFragments(range, selector, context),
  });
  const getClip: Parameters<typeof downloadAndJoin>[0]['getClip'] = (part, sink) =>
    context.kvs.getClip(
      { startMs: part.startMs, endMs: part.endMs },
      { selector, fragments: part.fragmentCount, ...sink },
    );
  const layout: JoinLayout = {
    format: options.output === '-' ? 'fmp4' : (options.format ?? 'mp4'),
    faststart: options.faststart ?? true,
    gaps: options.gaps ?? 'keep',
  };
  const identity = {
    streamName: options.stream,
    streamArn: arn,
    selector,
    align: request.align,
    window,
    layout: `${layout.format} faststart=${String(layout.faststart)} gaps=${layout.gaps}`,
  };
  const shared = { concurrency: options.concurrency ?? 2, replanner, readClip: readSpooledClip, getClip };

  if (layout.gaps === 'split') {
    // Each run holds no gap, so each file is an ordinary join; the manifest still records the split policy.
    const runs = splitAtGaps(plan.parts, plan.gaps, window);
    const done = await downloadGapRuns(
      {
        ...shared,
        runs,
        template: options.output ?? DEFAULT_TEMPLATE,
        fields: { stream: options.stream, startMs: window.startMs, endMs: window.endMs, selector },
        cwd: deps.cwd,
        identity,
        layout: { ...layout, gaps: 'keep' },
        force: options.force === true,
        mkdir: options.mkdir === true,
        skipExisting: options.skipExisting === true,
        resume: options.continue !== false,
        keepParts: options.keepParts === true,
        openJoiner: openMp4Joiner,
      },
      context,
    );
    const output = done.outputs.length === 1 ? (done.outputs[0] ?? null) : null;
    const result = summaryOf({
      output,
      outputs: done.outputs,
      skipped: done.skipped === runs.length,
      calls: done.calls,
      parts: done.parts,
      bytes: done.outputBytes,
    });
    return finishGet(result, plan, lastFragment, options, deps);
  }

  if (options.output === '-') {
    const stdout = deps.stdout;
    if (stdout === undefined) throw new InternalError('runGet was asked for -o - without deps.stdout');
    const spoolBase = join(await mkdtemp(join(tmpdir(), 'kvs-clip-')), 'stdout');
    try {
      const done = await downloadAndJoin(
        {
          ...shared,
          parts: plan.parts,
          identity,
          layout,
          target: { kind: 'stream', stream: stdout, spoolBase },
          resume: false,
          keepParts: false,
          openJoiner: openMp4Joiner,
        },
        context,
      );
      const result = summaryOf({
        output: '-',
        outputs: ['-'],
        calls: done.calls,
        parts: done.parts,
        bytes: done.outputBytes,
      });
      return finishGet(result, plan, lastFragment, options, deps);
    } finally {
      await rm(resolve(spoolBase, '..'), { recursive: true, force: true });
    }
  }

  const template = options.output ?? DEFAULT_TEMPLATE;
  const fields = { stream: options.stream, startMs: window.startMs, endMs: window.endMs, selector };
  if (options.split === true) {
    const done = await downloadSplit(
      {
        ...shared,
        parts: plan.parts,
        template,
        fields,
        cwd: deps.cwd,
        force: options.force === true,
        mkdir: options.mkdir === true,
      },
      context,
    );
    const result = summaryOf({ outputs: done.outputs, calls: done.calls, parts: done.parts, bytes: done.outputBytes });
    return finishGet(result, plan, lastFragment, options, deps);
  }
  const finalPath = resolve(deps.cwd, renderTemplate(template, fields));
  if ((options.skipExisting === true || hooks.existingIsDone === true) && (await pathExists(finalPath))) {
    return {
      result: summaryOf({ output: finalPath, outputs: [finalPath], skipped: true, bytes: 0 }),
      plan,
      lastFragment,
    };
  }
  const prepared = await prepareOutput(finalPath, { force: options.force === true, mkdir: options.mkdir === true });
  await hooks.beforeDownload?.(finalPath, plan);
  const done = await downloadAndJoin(
    {
      ...shared,
      parts: plan.parts,
      identity,
      layout,
      target: { kind: 'file', prepared },
      resume: options.continue !== false,
      keepParts: options.keepParts === true,
      openJoiner: openMp4Joiner,
    },
    context,
  );
  const result = summaryOf({
    output: finalPath,
    outputs: [finalPath],
    calls: done.calls,
    parts: done.parts,
    bytes: done.outputBytes,
  });
  return finishGet(result, plan, lastFragment, options, deps);
}
