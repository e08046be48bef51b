import { fragmentStartMs, type Fragment, type Selector } from './fragment.js';

function compareNumbers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Puts ListFragments results in the order GetClip plays them: by the selected timestamp, ties broken by fragment
 * number as a BigInt (ListFragments returns "no specific order, even across pages", docs/planning.md, "How KVS selects
 * fragments").
 *
 * Also removes what GetClip would never return twice: the same fragment number seen on two pages, and, for the
 * producer selector, later-ingested fragments that repeat a producer timestamp (AWS returns "only the oldest
 * ingested collection"; ingestion order is fragment-number order). Server timestamps are never deduplicated by
 * time: two distinct fragments may share a millisecond and both are returned.
 *
 * Pure; does not modify its input. Throws SyntaxError (from BigInt) only for a non-decimal fragment number, which the
 * SDK's model pattern `^[0-9]+$` already excludes.
 */
export function sortFragments(fragments: readonly Fragment[], selector: Selector): Fragment[] {
  const byNumber = new Map<string, Fragment>();
  for (const fragment of fragments) {
    // Normalise leading zeros so "007" and "7" count as one fragment, as BigInt compares them (parsing only when
    // needed: BigInt of 47 digits costs microseconds, and a day of 1 s fragments is 86 400 of them).
    const number = fragment.fragmentNumber;
    const key = number.length > 1 && number.startsWith('0') ? BigInt(number).toString() : number;
    if (!byNumber.has(key)) byNumber.set(key, fragment);
  }
  const keyed = [...byNumber.values()].map((fragment) => ({ fragment, startMs: fragmentStartMs(fragment, selector) }));
  keyed.sort((a, b) => a.startMs - b.startMs || compareNumbers(a.fragment.fragmentNumber, b.fragment.fragmentNumber));
  const sorted = keyed.map((entry) => entry.fragment);
  if (selector === 'server') return sorted;
  // Sorted by (producerMs, number): the first of each producer-timestamp run is the oldest ingested.
  return sorted.filter((fragment, i) => i === 0 || sorted[i - 1]?.producerMs !== fragment.producerMs);
}
