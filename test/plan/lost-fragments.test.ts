import { describe, expect, it } from 'vitest';
import { tableOf } from '../../src/plan/fragment-table.js';
import { lostFragments } from '../../src/plan/lost-fragments.js';
import { steadyFragments, T0 } from './fragment-fixtures.js';

const planned = tableOf(steadyFragments(10));

describe('lostFragments', () => {
  it('finds nothing lost when the new listing still holds every planned fragment', () => {
    expect(lostFragments(planned, tableOf(steadyFragments(12)), 'server')).toEqual({ count: 0, startMs: 0, endMs: 0 });
  });

  it('gives the count and media span of the head fragments that aged out', () => {
    const listed = tableOf(steadyFragments(7, { startMs: T0 + 3 * 2000, firstNumber: 3 }));
    expect(lostFragments(planned, listed, 'server')).toEqual({ count: 3, startMs: T0, endMs: T0 + 6000 });
  });

  it('measures the span on the producer clock when the run selects by producer timestamps', () => {
    const listed = tableOf(steadyFragments(9, { startMs: T0 + 2000, firstNumber: 1 }));
    expect(lostFragments(planned, listed, 'producer')).toEqual({ count: 1, startMs: T0 - 11_000, endMs: T0 - 9_000 });
  });

  it('counts every planned fragment as lost when the range lists empty', () => {
    expect(lostFragments(planned, tableOf([]), 'server')).toMatchObject({ count: 10, startMs: T0, endMs: T0 + 20_000 });
  });
});
