import { describe, expect, it } from 'vitest';
import {
  createTableBuilder,
  pickRows,
  rowsOf,
  sliceTable,
  tableOf,
  withNewRows,
} from '../../src/plan/fragment-table.js';
import { fragmentNumber, steadyFragments } from './fragment-fixtures.js';

describe('fragment tables', () => {
  it('keeps every row of a listing that spans many chunks, numbers of any length included', () => {
    const fragments = steadyFragments(5000).map((f, i) => (i % 7 === 0 ? { ...f, fragmentNumber: `${i}` } : f));
    const builder = createTableBuilder();
    for (const fragment of fragments) builder.push(fragment);
    const table = builder.finish();
    expect(table.length).toBe(5000);
    expect(table.serverMs.length).toBe(5000);
    expect(table.digits.length).toBe(fragments.reduce((sum, f) => sum + f.fragmentNumber.length, 0));
    expect(rowsOf(table)).toEqual(fragments);
  });

  it('copies picked rows in the order asked, from a view as from a whole table', () => {
    const fragments = steadyFragments(3000);
    const view = sliceTable(tableOf(fragments), 1000, 3000);
    const picked = pickRows(view, [1999, 0, 1024]);
    expect(rowsOf(picked)).toEqual([fragments[2999], fragments[1000], fragments[2024]]);
  });

  it('takes more rows than the builder expected, and no rows at all', () => {
    const fragments = steadyFragments(40);
    const builder = createTableBuilder(3, 10);
    for (const fragment of fragments) builder.push(fragment);
    expect(rowsOf(builder.finish())).toEqual(fragments);
    expect(createTableBuilder(0).finish().length).toBe(0);
  });

  it('adds only the fragments a re-listing found that the first listing did not hold', () => {
    const base = tableOf(steadyFragments(3));
    const extra = tableOf(steadyFragments(5).slice(2));
    expect(rowsOf(withNewRows(base, extra)).map((f) => f.fragmentNumber)).toEqual(
      [0, 1, 2, 3, 4].map((n) => fragmentNumber(n)),
    );
  });
});
