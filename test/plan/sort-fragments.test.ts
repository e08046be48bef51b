import { describe, expect, it } from 'vitest';
import { rowsOf, tableOf } from '../../src/plan/fragment-table.js';
import { sortFragments } from '../../src/plan/sort-fragments.js';
import { fragmentNumber, seededRandom, shuffled, steadyFragments, T0 } from './fragment-fixtures.js';

describe('sortFragments', () => {
  it('restores play order from pages returned in no specific order', () => {
    const fragments = steadyFragments(50);
    const sorted = rowsOf(sortFragments(shuffled(fragments, seededRandom(7)), 'server'));
    expect(sorted.map((f) => f.fragmentNumber)).toEqual(fragments.map((f) => f.fragmentNumber));
  });

  it('returns a listing already in play order as it is, without copying it', () => {
    const table = tableOf(steadyFragments(50));
    expect(sortFragments(table, 'server')).toBe(table);
    expect(sortFragments(table, 'producer')).toBe(table);
  });

  it('sorts a listing where only the fragment numbers of one millisecond are out of order', () => {
    const [a, b] = steadyFragments(2).map((f) => ({ ...f, serverMs: T0 }));
    expect(rowsOf(sortFragments([b!, a!], 'server'))).toEqual([a, b]);
  });

  it('breaks timestamp ties by 47-digit fragment numbers compared as BigInt, not as strings or Numbers', () => {
    // As Numbers a and b round to the same double; as strings c (44 digits) would sort after a and b.
    const a = {
      fragmentNumber: '91343852333185057105875891022195998207386831099',
      serverMs: T0,
      producerMs: T0,
      durationMs: 1,
      sizeBytes: 1,
    };
    const b = { ...a, fragmentNumber: '91343852333185057105875891022195998207386831100' };
    const c = { ...a, fragmentNumber: '91343852333185057105875891022195998207386832' };
    expect(rowsOf(sortFragments([b, a, c], 'server')).map((f) => f.fragmentNumber)).toEqual([
      c.fragmentNumber,
      a.fragmentNumber,
      b.fragmentNumber,
    ]);
  });

  it('drops a fragment listed twice across pages', () => {
    const fragments = steadyFragments(3);
    const [first] = fragments;
    expect(rowsOf(sortFragments([...fragments, first!], 'server'))).toHaveLength(3);
  });

  it('treats a fragment number with leading zeros as the same fragment', () => {
    const [first] = steadyFragments(1);
    expect(
      rowsOf(sortFragments([first!, { ...first!, fragmentNumber: `00${first!.fragmentNumber}` }], 'server')),
    ).toHaveLength(1);
  });

  it('orders by producer time when asked, even where it disagrees with ingestion order', () => {
    const fragments = steadyFragments(3).map((f, i) => ({ ...f, producerMs: T0 - i * 5000 }));
    expect(rowsOf(sortFragments(fragments, 'producer')).map((f) => f.fragmentNumber)).toEqual([
      fragmentNumber(2),
      fragmentNumber(1),
      fragmentNumber(0),
    ]);
  });

  it('keeps only the oldest-ingested fragment of a repeated producer timestamp, as GetClip does', () => {
    const [original] = steadyFragments(1);
    const reupload = { ...original!, fragmentNumber: fragmentNumber(9), serverMs: original!.serverMs + 60_000 };
    expect(rowsOf(sortFragments([reupload, original!], 'producer'))).toEqual([original]);
    expect(rowsOf(sortFragments([reupload, original!], 'server'))).toHaveLength(2);
  });
});
