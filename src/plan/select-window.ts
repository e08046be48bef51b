import type { Selector, TimeRange } from './fragment.js';
import { sliceTable, startAt, type FragmentTable } from './fragment-table.js';

/**
 * `cover` (default): also take the fragment that contains the window start, so the output covers the whole request.
 * `inside`: only fragments that start inside the window, GetClip's own rule (docs/planning.md, "Cutting parts").
 */
export type Align = 'cover' | 'inside';

/** Fragments last 1–20 s (DOC-LIMITS, PutMedia), so the one containing an instant starts at most 20 s before it. */
export const MAX_FRAGMENT_MS = 20_000;

/**
 * The range to ask ListFragments for so that {@link selectWindow} can apply `align`: with `cover`, the start reaches
 * back one maximal fragment length to find the fragment that contains the window start.
 */
export function listingRange(window: TimeRange, align: Align): TimeRange {
  return align === 'cover' ? { startMs: window.startMs - MAX_FRAGMENT_MS, endMs: window.endMs } : window;
}

/**
 * The fragments of a sorted table that belong to `window` under `align`: those starting in `[startMs, endMs]`
 * (both inclusive, as GetClip and ListFragments select). With `cover` the selection starts instead at the earliest
 * fragment that contains the window start, and then takes every fragment from there on, because one GetClip Start
 * cannot skip a fragment in between. Sorted by start, so the selection is one run of rows: a view, not a copy. Pure.
 */
export function selectWindow(
  sorted: FragmentTable,
  options: { selector: Selector; window: TimeRange; align: Align },
): FragmentTable {
  const { selector, window, align } = options;
  let fromMs = window.startMs;
  if (align === 'cover') {
    for (let i = 0; i < sorted.length; i++) {
      const startMs = startAt(sorted, i, selector);
      if (startMs < fromMs && startMs + (sorted.durationMs[i] ?? 0) > window.startMs) fromMs = startMs;
    }
  }
  let from = 0;
  while (from < sorted.length && startAt(sorted, from, selector) < fromMs) from++;
  let to = from;
  while (to < sorted.length && startAt(sorted, to, selector) <= window.endMs) to++;
  return sliceTable(sorted, from, to);
}
