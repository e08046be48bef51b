import { fragmentStartMs, type Fragment, type Selector } from './fragment.js';

/** Missing media between two consecutive fragments: `[startMs, endMs)` with nothing archived in it. */
export type Gap = { readonly startMs: number; readonly endMs: number; readonly durationMs: number };

/** Gap tolerance shared by planning and `list`, so both report the same gaps. */
export type GapOptions = {
  /**
   * Missing time at or below this is jitter, not a gap (default 1000 ms). A gap must also exceed half of the
   * preceding fragment's length, because fragment lengths are the producer's nominal values and timestamps of
   * consecutive fragments drift by tens to hundreds of milliseconds on real cameras.
   */
  readonly minGapMs?: number;
};

/** Default for {@link GapOptions.minGapMs}. */
export const DEFAULT_MIN_GAP_MS = 1000;

/**
 * For each position i > 0 of a sorted fragment list, the gap that ends at fragment i, if any (undefined at 0).
 * The covered time runs to the latest fragment end seen so far, so a short fragment inside a long one (overlapping
 * producer clocks) never opens a false gap. Use it where a plan must break at gaps; {@link findGaps} lists them.
 * Pure; expects `sorted` from sortFragments.
 */
export function gapsBefore(
  sorted: readonly Fragment[],
  selector: Selector,
  options: GapOptions = {},
): (Gap | undefined)[] {
  const minGapMs = options.minGapMs ?? DEFAULT_MIN_GAP_MS;
  const result: (Gap | undefined)[] = [];
  let coveredEndMs = Number.NEGATIVE_INFINITY;
  let lastDurationMs = 0;
  for (const fragment of sorted) {
    const startMs = fragmentStartMs(fragment, selector);
    const missingMs = startMs - coveredEndMs;
    result.push(
      missingMs > Math.max(minGapMs, lastDurationMs / 2) && Number.isFinite(coveredEndMs)
        ? { startMs: coveredEndMs, endMs: startMs, durationMs: missingMs }
        : undefined,
    );
    const endMs = startMs + fragment.durationMs;
    if (endMs >= coveredEndMs) {
      coveredEndMs = endMs;
      lastDurationMs = fragment.durationMs;
    }
  }
  return result;
}

/**
 * The gaps between consecutive fragments of a sorted list (missing time above the tolerance in {@link GapOptions}).
 * Only interior gaps: uncovered time before the first or after the last fragment shows in the covered range.
 */
export function findGaps(sorted: readonly Fragment[], selector: Selector, options: GapOptions = {}): Gap[] {
  return gapsBefore(sorted, selector, options).filter((gap): gap is Gap => gap !== undefined);
}
