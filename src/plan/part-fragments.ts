import { unpackNumbers } from './fragment-numbers.js';
import type { Selector } from './fragment.js';
import { numberAt, pickRows, type FragmentTable } from './fragment-table.js';
import type { Part } from './part.js';
import { sortFragments } from './sort-fragments.js';

/**
 * The fragments a part was planned with, in play order, looked up by number in `fragments` (the listing the plan was
 * made from, or any superset). Use before re-cutting a part. Throws RangeError when one is missing: the listing does
 * not belong to this part (a caller bug).
 */
export function partFragments(part: Part, options: { fragments: FragmentTable; selector: Selector }): FragmentTable {
  const wanted = new Set(unpackNumbers(part.fragmentNumbers));
  const rows: number[] = [];
  for (let i = 0; i < options.fragments.length; i++) if (wanted.has(numberAt(options.fragments, i))) rows.push(i);
  const found = sortFragments(pickRows(options.fragments, rows), options.selector);
  if (found.length !== part.fragmentCount) {
    throw new RangeError(
      `Part ${part.index + 1}: ${part.fragmentCount} fragments planned, ${found.length} found in the listing`,
    );
  }
  return found;
}
