import { gapsBefore, type Gap } from './find-gaps.js';
import type { Selector, TimeRange } from './fragment.js';
import { startAt, type FragmentList } from './fragment-table.js';
import { selectWindow } from './select-window.js';
import { sortFragments } from './sort-fragments.js';

/** A stretch of continuous media: consecutive fragments with no gap between them. */
export type Span = {
  readonly startMs: number;
  /** Latest fragment end in the span. */
  readonly endMs: number;
  readonly fragmentCount: number;
  readonly sizeBytes: number;
  readonly durationMs: number;
};

/** What `kvs-clip list` shows: which parts of the window hold media, and how much. */
export type Coverage = {
  readonly selector: Selector;
  readonly window: TimeRange;
  readonly spans: readonly Span[];
  readonly gaps: readonly Gap[];
  readonly fragmentCount: number;
  readonly sizeBytes: number;
  /** Σ span durations: media time available in the window. */
  readonly durationMs: number;
  /** First fragment start → latest fragment end; null when the window holds nothing. */
  readonly covered: TimeRange | null;
};

/**
 * Summarises a ListFragments result for `kvs-clip list`: continuous spans, the gaps between them (same tolerance
 * as planning, so `list` and `get` agree), totals. Counts fragments that start inside the window (inclusive), as
 * ListFragments and GetClip select. Input in any order, duplicates allowed. Pure; never throws.
 */
export function summariseCoverage(
  fragments: FragmentList,
  options: { selector: Selector; window: TimeRange; minGapMs?: number },
): Coverage {
  const { selector, window } = options;
  const selected = selectWindow(sortFragments(fragments, selector), { selector, window, align: 'inside' });
  const gapList = gapsBefore(selected, selector, options.minGapMs === undefined ? {} : { minGapMs: options.minGapMs });
  const breaks = new Set(gapList.map((entry) => entry.index));
  const spans: Span[] = [];
  let current: { startMs: number; endMs: number; fragmentCount: number; sizeBytes: number } | undefined;
  for (let i = 0; i < selected.length; i++) {
    const startMs = startAt(selected, i, selector);
    if (current === undefined || breaks.has(i)) {
      if (current !== undefined) spans.push({ ...current, durationMs: current.endMs - current.startMs });
      current = { startMs, endMs: startMs, fragmentCount: 0, sizeBytes: 0 };
    }
    current.endMs = Math.max(current.endMs, startMs + (selected.durationMs[i] ?? 0));
    current.fragmentCount++;
    current.sizeBytes += selected.sizeBytes[i] ?? 0;
  }
  if (current !== undefined) spans.push({ ...current, durationMs: current.endMs - current.startMs });
  const first = spans[0];
  const last = spans[spans.length - 1];
  return {
    selector,
    window,
    spans,
    gaps: gapList.map((entry): Gap => entry.gap),
    fragmentCount: selected.length,
    sizeBytes: spans.reduce((sum, span) => sum + span.sizeBytes, 0),
    durationMs: spans.reduce((sum, span) => sum + span.durationMs, 0),
    covered:
      first === undefined || last === undefined
        ? null
        : { startMs: first.startMs, endMs: spans.reduce((end, span) => Math.max(end, span.endMs), first.endMs) },
  };
}
