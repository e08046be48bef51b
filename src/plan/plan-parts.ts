import { cutParts } from './cut-parts.js';
import { gapsBefore, type Gap } from './find-gaps.js';
import type { Selector, TimeRange } from './fragment.js';
import { startAt, sumSizes, type FragmentList } from './fragment-table.js';
import { resolveLimits, type PlanLimits } from './limits.js';
import type { Part } from './part.js';
import { selectWindow, type Align } from './select-window.js';
import { sortFragments } from './sort-fragments.js';

/** What to plan: selector, window, alignment, and optionally tighter limits or gap tolerance. */
export type PlanOptions = {
  readonly selector: Selector;
  /** The resolved user window, both ends inclusive. */
  readonly window: TimeRange;
  readonly align: Align;
  /** Defaults: 200 fragments, 95 × 10⁶ bytes, 24 h per call. */
  readonly limits?: Partial<PlanLimits>;
  /** Gap tolerance, see GapOptions (default 1000 ms, and more than half the previous fragment's length). */
  readonly minGapMs?: number;
};

/** Everything a download needs to know before the first GetClip call (and all `--dry-run` prints). */
export type Plan = {
  readonly selector: Selector;
  readonly window: TimeRange;
  readonly parts: readonly Part[];
  /** Interior gaps; each falls between two parts, never inside one. */
  readonly gaps: readonly Gap[];
  /** First fragment start → latest fragment end; null when the window holds no fragment. */
  readonly covered: TimeRange | null;
  readonly fragmentCount: number;
  readonly sizeBytes: number;
};

/**
 * Plans the GetClip calls for a window from its ListFragments result (any order, any number of pages, duplicates
 * allowed; list {@link listingRange} so `cover` can find the fragment containing the window start).
 *
 * Every selected fragment lands in exactly one part; parts respect the limits (except where a single fragment, or
 * fragments sharing one millisecond, exceed them on their own) and never span a gap, so the joiner sees gaps only at
 * part seams. An empty window gives an empty plan (`parts: []`, `covered: null`): the caller decides whether that is
 * "no media" (exit 3) or an empty cron window (exit 0). Pure; throws RangeError only for non-positive limits.
 */
export function planParts(fragments: FragmentList, options: PlanOptions): Plan {
  const { selector, window } = options;
  const limits = resolveLimits(options.limits);
  const selected = selectWindow(sortFragments(fragments, selector), { selector, window, align: options.align });
  const gapList = gapsBefore(selected, selector, options.minGapMs === undefined ? {} : { minGapMs: options.minGapMs });
  const parts = cutParts(selected, {
    selector,
    limits,
    breaks: new Set(gapList.map((entry) => entry.index)),
    firstIndex: 0,
  });
  let coveredEndMs = 0;
  for (let i = 0; i < selected.length; i++)
    coveredEndMs = Math.max(coveredEndMs, startAt(selected, i, selector) + (selected.durationMs[i] ?? 0));
  return {
    selector,
    window,
    parts,
    gaps: gapList.map((entry) => entry.gap),
    covered: selected.length === 0 ? null : { startMs: startAt(selected, 0, selector), endMs: coveredEndMs },
    fragmentCount: selected.length,
    sizeBytes: sumSizes(selected),
  };
}
