// Which segments a stream archives next, from its cursor and the clock (docs/archive.md, "Segments"). Pure.
import { alignDown, completeSegments, type Segment } from './segments.js';

/**
 * The complete segments from `cursorMs`, oldest first, at most `limit`. A cursor that is not on a boundary of the
 * current `--segment` (the length was changed between runs) first gets the short segment up to the next boundary,
 * so nothing is skipped or fetched twice.
 */
export function segmentsDue(
  cursorMs: number,
  run: {
    readonly options: { readonly segmentMs: number; readonly settleMs: number };
    readonly deps: { nowMs(): number };
  },
  limit: number,
): Segment[] {
  const { segmentMs, settleMs } = run.options;
  const clock = { nowMs: run.deps.nowMs(), settleMs };
  if (limit < 1) return [];
  if (cursorMs % segmentMs === 0) return completeSegments(cursorMs, clock, segmentMs, limit);
  const head = { startMs: cursorMs, endMs: alignDown(cursorMs, segmentMs) + segmentMs };
  if (head.endMs > clock.nowMs - settleMs) return [];
  return [head, ...completeSegments(head.endMs, clock, segmentMs, limit - 1)];
}
