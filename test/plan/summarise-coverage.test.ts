import { describe, expect, it } from 'vitest';
import { summariseCoverage } from '../../src/plan/summarise-coverage.js';
import { seededRandom, shuffled, steadyFragments, T0 } from './fragment-fixtures.js';

describe('summariseCoverage', () => {
  it('reports continuous spans, the gaps between them and totals for the window', () => {
    const fragments = [...steadyFragments(30), ...steadyFragments(15, { startMs: T0 + 120_000, firstNumber: 30 })];
    const coverage = summariseCoverage(shuffled(fragments, seededRandom(3)), {
      selector: 'server',
      window: { startMs: T0, endMs: T0 + 3_600_000 },
    });
    expect(coverage.spans).toEqual([
      { startMs: T0, endMs: T0 + 60_000, fragmentCount: 30, sizeBytes: 15_000_000, durationMs: 60_000 },
      { startMs: T0 + 120_000, endMs: T0 + 150_000, fragmentCount: 15, sizeBytes: 7_500_000, durationMs: 30_000 },
    ]);
    expect(coverage.gaps).toEqual([{ startMs: T0 + 60_000, endMs: T0 + 120_000, durationMs: 60_000 }]);
    expect(coverage).toMatchObject({
      fragmentCount: 45,
      sizeBytes: 22_500_000,
      durationMs: 90_000,
      covered: { startMs: T0, endMs: T0 + 150_000 },
    });
  });

  it('counts only fragments starting inside the window, as ListFragments selects', () => {
    const coverage = summariseCoverage(steadyFragments(10), {
      selector: 'server',
      window: { startMs: T0 + 1000, endMs: T0 + 6000 },
    });
    expect(coverage.fragmentCount).toBe(3);
  });

  it('describes an empty window with no spans and no covered range', () => {
    expect(summariseCoverage([], { selector: 'producer', window: { startMs: T0, endMs: T0 + 1 } })).toMatchObject({
      spans: [],
      gaps: [],
      covered: null,
      durationMs: 0,
    });
  });
});
