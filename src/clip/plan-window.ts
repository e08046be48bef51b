import { AuthError } from '../errors/auth-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { EventSink } from '../download/events.js';
import type { Pacer } from '../download/pacer.js';
import { sleepUnlessCancelled } from '../download/cancellation.js';
import type { RetryBudget } from '../download/retry-policy.js';
import { withRetry } from '../download/with-retry.js';
import type { Selector, TimeRange } from '../plan/fragment.js';
import type { FragmentTable } from '../plan/fragment-table.js';
import type { PlanLimits } from '../plan/limits.js';
import { planParts, type Plan } from '../plan/plan-parts.js';
import { listingRange, type Align } from '../plan/select-window.js';
import { sortFragments } from '../plan/sort-fragments.js';
import { count } from '../text/count.js';
import { formatBytes } from '../text/format-bytes.js';
import { formatDuration } from '../time/format-duration.js';
import { formatInstant } from '../time/format-instant.js';
import type { KvsPort } from './kvs-port.js';

const HOUR_MS = 3_600_000;

/** The shared pieces every remote call of one run needs. */
export type CallContext = {
  readonly kvs: KvsPort;
  readonly pacer: Pacer;
  readonly budget: RetryBudget;
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly signal: AbortSignal;
  readonly emit: EventSink;
  /** Retries across the run, for the summary. */
  readonly stats: { retries: number };
};

/** Wraps one non-GetClip remote call in the retry loop, reporting retries as events. */
export function callWithRetry<T>(
  operation: 'DescribeStream' | 'ListFragments',
  call: () => Promise<T>,
  context: CallContext,
): Promise<T> {
  return withRetry(() => call(), {
    label: operation,
    budget: context.budget,
    random: context.random,
    nowMs: context.nowMs,
    sleep: context.sleep,
    signal: context.signal,
    classify: (error) => context.kvs.classify(error),
    toError: (error) => context.kvs.toError(error, operation),
    onRetry: (notice) => {
      context.stats.retries++;
      context.emit({ type: 'retry', op: operation, ...notice });
    },
    refreshEndpoint: () => context.kvs.refreshEndpoint(),
  });
}

/**
 * DescribeStream, then the window clamped to the stream's retention (docs/planning.md, "Time ranges" validation): a
 * warning when the start is older than the retention, an error when the whole window is. Throws NotFoundError
 * `E_STREAM_NOT_FOUND` (via the port's mapping), `E_NO_MEDIA` for a stream without an archive or a window entirely
 * before the retention (exit 3: nothing can be there).
 */
export async function describeAndClamp(
  stream: string,
  window: TimeRange,
  context: CallContext,
): Promise<{ arn: string; window: TimeRange }> {
  const { kvs, signal } = context;
  const info = await callWithRetry('DescribeStream', () => kvs.describeStream({ signal }), context);
  if (!(info.retentionHours > 0)) {
    throw new NotFoundError(
      'E_NO_MEDIA',
      `Stream ${stream} keeps no archive (DataRetentionInHours is ${info.retentionHours})`,
      {
        hint: "GetClip needs archived media: raise the stream's data retention",
      },
    );
  }
  const earliestMs = context.nowMs() - info.retentionHours * HOUR_MS;
  if (window.endMs <= earliestMs) {
    // No media can exist there (README "Exit codes", "Troubleshooting"): exit 3, like any other empty window.
    throw new NotFoundError(
      'E_NO_MEDIA',
      `Time range ends at ${formatInstant(window.endMs)}, before the retention of ${stream} (${info.retentionHours} h, from ${formatInstant(earliestMs)}): no media there`,
      {
        hint: `Ask for a more recent range; \`kvs-clip list ${stream} --since ${info.retentionHours}h\` shows what is kept`,
      },
    );
  }
  if (window.startMs < earliestMs) {
    context.emit({
      type: 'warning',
      code: 'retention-clamped',
      message: `Window starts before the retention of ${stream} (${info.retentionHours} h): starting at ${formatInstant(earliestMs)} instead`,
    });
    return { arn: info.arn, window: { startMs: earliestMs, endMs: window.endMs } };
  }
  return { arn: info.arn, window };
}

/**
 * Every fragment of `range`, all ListFragments pages, each page paced (≤ 5 TPS per stream) and announced as a
 * `list-page` event; the listing is retried.
 * Throws the port's typed errors (AuthError for NotAuthorized: the caller may fall back to time windows).
 */
export async function listAllFragments(
  range: TimeRange,
  selector: Selector,
  context: CallContext,
): Promise<FragmentTable> {
  return callWithRetry(
    'ListFragments',
    () => {
      let page = 0;
      return context.kvs.listFragments(range, {
        selector,
        signal: context.signal,
        beforePage: async () => {
          await sleepUnlessCancelled(context.pacer.reserveListFragments(context.nowMs()), context);
          page += 1;
          context.emit({ type: 'list-page', page });
        },
      });
    },
    context,
  );
}

/**
 * Lists the window's fragments and plans the GetClip calls; emits the `plan` event and one `gap` event per gap.
 * Returns null when ListFragments is denied (NotAuthorized), after a warning, so the caller can fall back to time
 * windows. Throws what listAllFragments throws.
 */
export async function planWindow(
  window: TimeRange,
  options: { selector: Selector; align: Align; limits?: Partial<PlanLimits>; dryRun: boolean },
  context: CallContext,
): Promise<{ plan: Plan; fragments: FragmentTable } | null> {
  let fragments: FragmentTable;
  try {
    // Sorted once here and kept for the run (the replanner's listing): the parts' fragment numbers are views of
    // its digits (docs/planning.md, "Fragments in columns"), and an unsorted listing is not held beside it.
    const listed = await listAllFragments(listingRange(window, options.align), options.selector, context);
    fragments = sortFragments(listed, options.selector);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    context.emit({
      type: 'warning',
      code: 'list-fallback',
      message:
        'ListFragments is not allowed for these credentials: falling back to time windows (no gap report, no exact truncation check)',
    });
    return null;
  }
  const plan = planParts(fragments, {
    selector: options.selector,
    window,
    align: options.align,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  context.emit({ type: 'plan', plan: summarise(plan), dryRun: options.dryRun, message: describePlan(plan) });
  for (const gap of plan.gaps) {
    context.emit({
      type: 'gap',
      ...gap,
      message: `Gap ${formatInstant(gap.startMs)} → ${formatInstant(gap.endMs)} (${formatDuration(gap.durationMs)} without fragments)`,
    });
  }
  return { plan, fragments };
}

/** The plan as the `plan` event carries it. */
export function summarise(plan: Plan): {
  parts: Plan['parts'];
  gaps: Plan['gaps'];
  covered: TimeRange | null;
  fragments: number;
  bytes: number;
} {
  return {
    parts: plan.parts,
    gaps: plan.gaps,
    covered: plan.covered,
    fragments: plan.fragmentCount,
    bytes: plan.sizeBytes,
  };
}

/** `Covered 2025-06-14T12:59:58.120Z → 2025-06-14T14:00:01.904Z (1800 fragments, 10 parts, ≈812 MB)`. */
export function describePlan(plan: Plan): string {
  if (plan.covered === null) return 'No fragments in the window';
  return `Covered ${formatInstant(plan.covered.startMs)} → ${formatInstant(plan.covered.endMs)} (${count(plan.fragmentCount, 'fragment')}, ${count(plan.parts.length, 'part')}, ≈${formatBytes(plan.sizeBytes)})`;
}
