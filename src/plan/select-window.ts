import { fragmentStartMs, type Fragment, type Selector, type TimeRange } from './fragment.js';

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
 * The fragments of a sorted list that belong to `window` under `align`: those starting in `[startMs, endMs]`
 * (both inclusive, as GetClip and ListFragments select). With `cover` the selection starts instead at the earliest
 * fragment that contains the window start, and then takes every fragment from there on, because one GetClip Start
 * cannot skip a fragment in between. Pure; keeps the input order.
 */
export function selectWindow(
  sorted: readonly Fragment[],
  options: { selector: Selector; window: TimeRange; align: Align },
): Fragment[] {
  const { selector, window, align } = options;
  let fromMs = window.startMs;
  if (align === 'cover') {
    for (const fragment of sorted) {
      const startMs = fragmentStartMs(fragment, selector);
      if (startMs < fromMs && startMs + fragment.durationMs > window.startMs) fromMs = startMs;
    }
  }
  return sorted.filter((fragment) => {
    const startMs = fragmentStartMs(fragment, selector);
    return startMs >= fromMs && startMs <= window.endMs;
  });
}
