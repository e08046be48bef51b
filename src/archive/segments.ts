// Wall-clock aligned UTC segments for `kvs-clip archive` (docs/archive.md). Pure: time comes in as ms.
import { UsageError } from '../errors/usage-error.js';
import { parseDuration } from '../time/parse-duration.js';

const DAY_MS = 86_400_000;

/** A half-open UTC interval [startMs, endMs): a segment holds the fragments whose start lies inside it. */
export type Segment = { readonly startMs: number; readonly endMs: number };

/**
 * Parses `--segment` (`15m`, `1h`, `10s`). The length must be whole seconds and divide a UTC day, so every
 * segment starts at the same wall-clock marks each day (a `15m` segment starts at :00, :15, :30 or :45).
 */
export function parseSegmentLength(text: string): number {
  const ms = parseDuration(text, { option: '--segment' });
  if (ms % 1000 !== 0 || ms > DAY_MS || DAY_MS % ms !== 0) {
    throw new UsageError('E_USAGE', `--segment "${text}" does not divide a UTC day into whole-second segments`, {
      hint: 'use e.g. 10s, 1m, 5m, 15m, 30m, 1h, 2h, 6h, 24h',
    });
  }
  return ms;
}

/** The start of the segment that contains `ms` (UTC epoch alignment equals midnight alignment for day divisors). */
export function alignDown(ms: number, segmentMs: number): number {
  return Math.floor(ms / segmentMs) * segmentMs;
}

/** The segment that contains the instant `ms`. */
export function segmentContaining(ms: number, segmentMs: number): Segment {
  const startMs = alignDown(ms, segmentMs);
  return { startMs, endMs: startMs + segmentMs };
}

/**
 * The segments that are complete at `nowMs` (end ≤ now − settle), starting at `cursorMs` (an aligned segment
 * start: the first segment not yet done). At most `limit` are returned, oldest first, so a stream that has been
 * offline for weeks is caught up over several cycles instead of planned all at once.
 */
export function completeSegments(
  cursorMs: number,
  clock: { nowMs: number; settleMs: number },
  segmentMs: number,
  limit = Number.POSITIVE_INFINITY,
): Segment[] {
  if (cursorMs % segmentMs !== 0) throw new RangeError(`cursor ${cursorMs} is not aligned to ${segmentMs} ms`);
  const horizonMs = clock.nowMs - clock.settleMs;
  const segments: Segment[] = [];
  for (let startMs = cursorMs; startMs + segmentMs <= horizonMs && segments.length < limit; startMs += segmentMs) {
    segments.push({ startMs, endMs: startMs + segmentMs });
  }
  return segments;
}

/** When the next segment after `cursorMs` becomes complete (for `--follow` to sleep until then). */
export function nextCompletionMs(cursorMs: number, settleMs: number, segmentMs: number): number {
  return cursorMs + segmentMs + settleMs;
}

/**
 * Where a stream starts: the segment after the last one recorded done, or, for a stream with no state, the
 * segment containing `--since` (aligned down, so the first file is a whole segment).
 */
export function startCursor(lastDoneEndMs: number | undefined, sinceMs: number, segmentMs: number): number {
  if (lastDoneEndMs !== undefined) return lastDoneEndMs;
  return alignDown(sinceMs, segmentMs);
}

/** The fragments of `fragments` that belong to `segment`: start in [startMs, endMs), each exactly once. */
export function fragmentsInSegment<T extends { startMs: number }>(fragments: readonly T[], segment: Segment): T[] {
  return fragments.filter((fragment) => fragment.startMs >= segment.startMs && fragment.startMs < segment.endMs);
}
