import { describe, expect, it } from 'vitest';
import { findGaps } from '../../src/plan/find-gaps.js';
import { resolveLimits } from '../../src/plan/limits.js';
import { steadyFragments, T0 } from './fragment-fixtures.js';

describe('findGaps', () => {
  it('finds missing time above 1 s and half a fragment, and nothing below', () => {
    const fragments = steadyFragments(4, { durationMs: 4000 }).map((f, i) => ({
      ...f,
      serverMs: f.serverMs + (i >= 2 ? 2500 : i === 1 ? 1900 : 0),
    }));
    // 1.9 s missing after a 4 s fragment is under half its length; 0.6 s later is under 1 s.
    expect(findGaps(fragments, 'server')).toEqual([]);
    const wide = steadyFragments(3, { durationMs: 1000 }).map((f, i) => ({
      ...f,
      serverMs: f.serverMs + (i === 2 ? 1500 : 0),
    }));
    expect(findGaps(wide, 'server')).toEqual([{ startMs: T0 + 2000, endMs: T0 + 3500, durationMs: 1500 }]);
  });

  it('does not open a gap after a short fragment that lies inside a longer one', () => {
    const [long, next] = steadyFragments(2, { durationMs: 10_000 });
    const inner = { ...long!, fragmentNumber: '5', serverMs: T0 + 1000, durationMs: 1000 };
    expect(findGaps([long!, inner, next!], 'server')).toEqual([]);
  });

  it('honours a custom minimum gap', () => {
    const fragments = steadyFragments(2, { durationMs: 1000 }).map((f, i) => ({
      ...f,
      serverMs: f.serverMs + i * 700,
    }));
    expect(findGaps(fragments, 'server', { minGapMs: 500 })).toEqual([
      { startMs: T0 + 1000, endMs: T0 + 1700, durationMs: 700 },
    ]);
  });
});

describe('resolveLimits', () => {
  it('fills unspecified limits with 200 fragments, 95 × 10⁶ bytes and 24 h, and rejects non-positive ones', () => {
    expect(resolveLimits({ maxBytes: 1000 })).toEqual({ maxFragments: 200, maxBytes: 1000, maxSpanMs: 86_400_000 });
    expect(() => resolveLimits({ maxFragments: 0 })).toThrow(RangeError);
  });
});
