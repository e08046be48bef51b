import { viewRows } from './fragment-numbers.js';
import type { Selector } from './fragment.js';
import { numberAt, startAt, sumSizes, type FragmentTable } from './fragment-table.js';
import type { PlanLimits } from './limits.js';
import type { Part } from './part.js';

/** How cutParts cuts: selector, limits, forced breaks, numbering and the last End. */
export type CutOptions = {
  readonly selector: Selector;
  readonly limits: PlanLimits;
  /** Rows a part must start at (a gap precedes them), where a boundary there is possible at all. */
  readonly breaks?: ReadonlySet<number>;
  /** Index of the first part produced. */
  readonly firstIndex: number;
  /**
   * EndTimestamp of the last part. Default: the last fragment's start (one millisecond later when that equals the
   * part's start, because GetClip requires End > Start). Replanning passes the original part's end to keep its seam;
   * it too is moved to Start + 1 ms when a single fragment is left at that end.
   */
  readonly finalEndMs?: number;
};

/**
 * A boundary before fragment i (i.e. a part ending with End = start(i) − 1 ms) is possible only when it separates i
 * from i − 1 (distinct milliseconds) and leaves End > Start for the part that ends there (GetClip rejects End ≤ Start).
 */
function canSplitBefore(starts: Float64Array, partStart: number, i: number): boolean {
  const startMs = starts[i];
  const previousMs = starts[i - 1];
  const firstMs = starts[partStart];
  if (startMs === undefined || previousMs === undefined || firstMs === undefined) return false;
  return i > partStart && startMs > previousMs && startMs - 1 > firstMs;
}

function latestSplit(starts: Float64Array, partStart: number, upTo: number): number | undefined {
  for (let b = upTo; b > partStart; b--) if (canSplitBefore(starts, partStart, b)) return b;
  return undefined;
}

/** Greedy cut of a sorted run into slices that respect the limits; an unavoidable overrun stays one slice. */
function cutSlices(sorted: FragmentTable, starts: Float64Array, options: CutOptions): [number, number][] {
  const { maxFragments, maxBytes, maxSpanMs } = options.limits;
  const slices: [number, number][] = [];
  let partStart = 0;
  let bytes = 0;
  for (let i = 0; i < sorted.length; i++) {
    const sizeBytes = sorted.sizeBytes[i] ?? 0;
    const startMs = starts[i] ?? 0;
    if (options.breaks?.has(i) === true && canSplitBefore(starts, partStart, i)) {
      slices.push([partStart, i]);
      partStart = i;
      bytes = 0;
    }
    const exceeds = (): boolean =>
      i - partStart + 1 > maxFragments ||
      bytes + sizeBytes > maxBytes ||
      startMs - (starts[partStart] ?? startMs) > maxSpanMs;
    while (i > partStart && exceeds()) {
      const split = latestSplit(starts, partStart, i);
      if (split === undefined) break;
      slices.push([partStart, split]);
      partStart = split;
      bytes = sumSizes(sorted, partStart, i);
    }
    bytes += sizeBytes;
  }
  if (sorted.length > 0) slices.push([partStart, sorted.length]);
  return slices;
}

/**
 * Cuts a sorted fragment list (from sortFragments, already restricted to what should be fetched) into GetClip parts:
 * each within the limits, breaking wherever `breaks` says, with Start = first fragment start and End = next part's
 * first start − 1 ms (capped at Start + maxSpanMs when a long gap follows), so every fragment is selected by exactly
 * one part. Fragments that share a millisecond cannot be separated by any boundary and stay together, even past a
 * limit; so does a single fragment above maxBytes. Pure.
 */
export function cutParts(sorted: FragmentTable, options: CutOptions): Part[] {
  const starts = new Float64Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) starts[i] = startAt(sorted, i, options.selector);
  const slices = cutSlices(sorted, starts, options);
  return slices.map(([from, to], n) => {
    const startMs = starts[from] ?? 0;
    const lastStartMs = starts[to - 1] ?? startMs;
    const nextStartMs = starts[to];
    const endMs =
      nextStartMs !== undefined
        ? Math.min(nextStartMs - 1, startMs + options.limits.maxSpanMs)
        : Math.max(options.finalEndMs ?? lastStartMs, startMs + 1);
    let mediaEndMs = startMs;
    let mediaDurationMs = 0;
    for (let i = from; i < to; i++) {
      const durationMs = sorted.durationMs[i] ?? 0;
      mediaEndMs = Math.max(mediaEndMs, (starts[i] ?? startMs) + durationMs);
      mediaDurationMs += durationMs;
    }
    return {
      index: options.firstIndex + n,
      startMs,
      endMs,
      firstFragmentNumber: to > from ? numberAt(sorted, from) : '',
      lastFragmentNumber: to > from ? numberAt(sorted, to - 1) : '',
      fragmentCount: to - from,
      sizeBytes: sumSizes(sorted, from, to),
      mediaStartMs: startMs,
      mediaEndMs,
      mediaDurationMs,
      fragmentNumbers: viewRows(sorted, from, to),
    };
  });
}
