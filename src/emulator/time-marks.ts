import type { GapSpec, TimeMark } from './stream-spec.js';

const DAY_MS = 86_400_000;

/**
 * A predicate "was the producer offline at this instant" for a set of gaps; daily gaps may wrap midnight.
 * O(gaps) per call and no per-day state, so it works over any span. Throws RangeError for a gap that mixes a daily
 * and an absolute mark.
 */
export function offlinePredicate(gaps: readonly GapSpec[]): (ms: number) => boolean {
  const tests = gaps.map((gap) => {
    const { from, to } = gap;
    if ('dailyMinute' in from && 'dailyMinute' in to) {
      const a = from.dailyMinute * 60_000;
      const b = to.dailyMinute * 60_000;
      return (ms: number) => {
        const tod = ((ms % DAY_MS) + DAY_MS) % DAY_MS;
        return a <= b ? tod >= a && tod < b : tod >= a || tod < b;
      };
    }
    if ('atMs' in from && 'atMs' in to) return (ms: number) => ms >= from.atMs && ms < to.atMs;
    throw new RangeError('a gap needs two times of day (10:00-10:05) or two instants (ISO/ISO)');
  });
  return (ms) => tests.some((test) => test(ms));
}

/**
 * Which codec configuration is active at an instant: each mark toggles it. Daily marks count within the UTC day only
 * (every day starts in the preset's configuration), so `cpd-change=12:00` means "second resolution every afternoon".
 */
export function configSelector(marks: readonly TimeMark[]): (ms: number) => 0 | 1 {
  return (ms) => {
    let changes = 0;
    for (const mark of marks) {
      if ('atMs' in mark) changes += mark.atMs <= ms ? 1 : 0;
      else {
        const tod = ((ms % DAY_MS) + DAY_MS) % DAY_MS;
        changes += tod >= mark.dailyMinute * 60_000 ? 1 : 0;
      }
    }
    return changes % 2 === 0 ? 0 : 1;
  };
}
