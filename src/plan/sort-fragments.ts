import type { Selector } from './fragment.js';
import { pickRows, startAt, tableOf, type FragmentList, type FragmentTable } from './fragment-table.js';

/** Row i's digits without leading zeros, as [from, to) into `table.digits` ("007" and "7" are one number). */
function significant(table: FragmentTable, i: number): [number, number] {
  let from = table.digitStart[i] ?? 0;
  const to = table.digitStart[i + 1] ?? from;
  while (to - from > 1 && table.digits[from] === 48) from++;
  return [from, to];
}

/** Compares two rows' fragment numbers as unbounded decimals (what BigInt would say, without making any). */
function compareNumbers(table: FragmentTable, i: number, j: number): number {
  const [a, aEnd] = significant(table, i);
  const [b, bEnd] = significant(table, j);
  if (aEnd - a !== bEnd - b) return aEnd - a - (bEnd - b);
  for (let k = 0; k < aEnd - a; k++) {
    const d = (table.digits[a + k] ?? 0) - (table.digits[b + k] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Puts ListFragments results in the order GetClip plays them: by the selected timestamp, ties broken by fragment
 * number compared as an unbounded decimal (ListFragments returns "no specific order, even across pages",
 * docs/planning.md, "How KVS selects fragments"). Returns a new table; works on row indices, never on objects.
 *
 * Also removes what GetClip would never return twice: the same fragment (number and timestamp) seen on two pages,
 * and, for the producer selector, later-ingested fragments that repeat a producer timestamp (AWS returns "only the
 * oldest ingested collection"; ingestion order is fragment-number order). Server timestamps are never deduplicated by
 * time: two distinct fragments may share a millisecond and both are returned. Pure; does not modify its input.
 */
export function sortFragments(list: FragmentList, selector: Selector): FragmentTable {
  const table = tableOf(list);
  const order = new Uint32Array(table.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort(
    (i, j) => startAt(table, i, selector) - startAt(table, j, selector) || compareNumbers(table, i, j) || i - j,
  );
  const kept: number[] = [];
  let previous = -1;
  for (const i of order) {
    const sameStart = previous >= 0 && startAt(table, previous, selector) === startAt(table, i, selector);
    // Same start and number: the same fragment listed twice. Producer selector: a repeated producer timestamp.
    if (sameStart && (selector === 'producer' || compareNumbers(table, previous, i) === 0)) continue;
    kept.push(i);
    previous = i;
  }
  return pickRows(table, kept);
}
