import type { Selector } from './fragment.js';
import { startAt, tableOf, type FragmentList, type FragmentTable } from './fragment-table.js';

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

/** A gap and the row it ends at: a plan must start a part there. */
export type GapBefore = { readonly index: number; readonly gap: Gap };

/**
 * The gaps of a sorted table, each with the row it ends at (never row 0), in order. The covered time runs to the
 * latest fragment end seen so far, so a short fragment inside a long one (overlapping producer clocks) never opens a
 * false gap. Use it where a plan must break at gaps; {@link findGaps} lists them. Pure; expects `sorted` from
 * sortFragments.
 */
export function gapsBefore(sorted: FragmentTable, selector: Selector, options: GapOptions = {}): GapBefore[] {
  const minGapMs = options.minGapMs ?? DEFAULT_MIN_GAP_MS;
  const result: GapBefore[] = [];
  let coveredEndMs = Number.NEGATIVE_INFINITY;
  let lastDurationMs = 0;
  for (let i = 0; i < sorted.length; i++) {
    const startMs = startAt(sorted, i, selector);
    const durationMs = sorted.durationMs[i] ?? 0;
    const missingMs = startMs - coveredEndMs;
    if (missingMs > Math.max(minGapMs, lastDurationMs / 2) && Number.isFinite(coveredEndMs))
      result.push({ index: i, gap: { startMs: coveredEndMs, endMs: startMs, durationMs: missingMs } });
    const endMs = startMs + durationMs;
    if (endMs >= coveredEndMs) {
      coveredEndMs = endMs;
      lastDurationMs = durationMs;
    }
  }
  return result;
}

/**
 * The gaps between consecutive fragments of a sorted list (missing time above the tolerance in {@link GapOptions}).
 * Only interior gaps: uncovered time before the first or after the last fragment shows in the covered range.
 */
export function findGaps(sorted: FragmentList, selector: Selector, options: GapOptions = {}): Gap[] {
  return gapsBefore(tableOf(sorted), selector, options).map((entry) => entry.gap);
}
