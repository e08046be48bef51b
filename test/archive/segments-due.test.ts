import { describe, expect, it } from 'vitest';
import { segmentsDue } from '../../src/archive/segments-due.js';

const MIN = 60_000;
const at = (nowMs: number, settleMs = 0) => ({
  options: { segmentMs: 15 * MIN, settleMs },
  deps: { nowMs: () => nowMs },
});

describe('segmentsDue', () => {
  it('lists the complete segments from an aligned cursor, oldest first, up to the limit', () => {
    expect(segmentsDue(0, at(50 * MIN), 10)).toEqual([
      { startMs: 0, endMs: 15 * MIN },
      { startMs: 15 * MIN, endMs: 30 * MIN },
      { startMs: 30 * MIN, endMs: 45 * MIN },
    ]);
    expect(segmentsDue(0, at(50 * MIN), 2)).toHaveLength(2);
  });

  it('leaves a segment that is not settled yet for later', () => {
    expect(segmentsDue(30 * MIN, at(46 * MIN, 2 * MIN), 10)).toEqual([]);
    expect(segmentsDue(30 * MIN, at(47 * MIN, 2 * MIN), 10)).toEqual([{ startMs: 30 * MIN, endMs: 45 * MIN }]);
  });

  it('starts a cursor left off a boundary (the segment length changed) with the short segment to the next one', () => {
    expect(segmentsDue(5 * MIN, at(31 * MIN), 10)).toEqual([
      { startMs: 5 * MIN, endMs: 15 * MIN },
      { startMs: 15 * MIN, endMs: 30 * MIN },
    ]);
    expect(segmentsDue(5 * MIN, at(14 * MIN), 10)).toEqual([]);
  });
});
