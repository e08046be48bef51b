import type { Selector } from './fragment.js';
import { pickRows, startAt, tableOf, type FragmentList, type FragmentTable } from './fragment-table.js';

/** Where row i's digits start once leading zeros are skipped ("007" and "7" are one number; "0" stays "0"). */
function significantFrom(table: FragmentTable, i: number): number {
  let from = table.digitStart[i] ?? 0;
  const to = table.digitStart[i + 1] ?? from;
  while (to - from > 1 && table.digits[from] === 48) from++;
  return from;
}

/**
 * Compares two rows' fragment numbers as unbounded decimals (what BigInt would say, without making any). Allocates
 * nothing: it runs for every comparison of a day's sort.
 */
function compareNumbers(table: FragmentTable, i: number, j: number): number {
  const a = significantFrom(table, i);
  const b = significantFrom(table, j);
  const aLength = (table.digitStart[i + 1] ?? a) - a;
  const bLength = (table.digitStart[j + 1] ?? b) - b;
  if (aLength !== bLength) return aLength - bLength;
  for (let k = 0; k < aLength; k++) {
    const d = (table.digits[a + k] ?? 0) - (table.digits[b + k] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Whether the rows already are in play order with nothing to remove: every start later than the one before, or (server
 * selector) the same start with a larger fragment number. ListFragments pages usually come like this, and planning
 * sorts the sorted listing again, so the common case costs one pass and no copy.
 */
function inPlayOrder(table: FragmentTable, selector: Selector): boolean {
  for (let i = 1; i < table.length; i++) {
    const previous = startAt(table, i - 1, selector);
    const start = startAt(table, i, selector);
    if (previous < start) continue;
    if (previous === start && selector === 'server' && compareNumbers(table, i - 1, i) < 0) continue;
    return false;
  }
  return true;
}

/**
 * Puts ListFragments results in the order GetClip plays them: by the selected timestamp, ties broken by fragment
 * number compared as an unbounded decimal (ListFragments returns "no specific order, even across pages",
 * docs/planning.md, "How KVS selects fragments"). Returns a new table, or the input table itself when it is already in that order with nothing to remove (tables are
 * immutable); works on row indices, never on objects.
 *
 * Also removes what GetClip would never return twice: the same fragment (number and timestamp) seen on two pages,
 * and, for the producer selector, later-ingested fragments that repeat a producer timestamp (AWS returns "only the
 * oldest ingested collection"; ingestion order is fragment-number order). Server timestamps are never deduplicated by
 * time: two distinct fragments may share a millisecond and both are returned. Pure; does not modify its input.
 */
export function sortFragments(list: FragmentList, selector: Selector): FragmentTable {
  const table = tableOf(list);
  if (inPlayOrder(table, selector)) return table;
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
