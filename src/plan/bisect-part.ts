import { cutParts } from './cut-parts.js';
import type { Selector } from './fragment.js';
import { startAt, tableOf, type FragmentList } from './fragment-table.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { Part } from './part.js';
import { partFragments } from './part-fragments.js';

/**
 * Splits a part in two halves at the boundary nearest its middle, for a GetClip call rejected because the codec
 * configuration (CPD) or tracks change inside it (docs/planning.md, "Cutting parts"; ListFragments cannot reveal
 * where). The first half ends 1 ms before the second starts; the second keeps the original End. Both carry `index` =
 * `part.index` and `part.index + 1`; splice them in with replaceParts.
 *
 * Returns null when the part cannot be split (one fragment, or all fragments in one millisecond): the rejection is
 * then about the media itself, and the caller reports a MediaError. Throws RangeError when `fragments` does not
 * contain the part's fragments.
 */
export function bisectPart(part: Part, context: { fragments: FragmentList; selector: Selector }): [Part, Part] | null {
  const fragments = partFragments(part, { fragments: tableOf(context.fragments), selector: context.selector });
  const starts = Array.from({ length: fragments.length }, (_, i) => startAt(fragments, i, context.selector));
  const firstMs = starts[0];
  if (firstMs === undefined) return null;
  const canSplitBefore = (i: number): boolean => {
    const startMs = starts[i];
    const previousMs = starts[i - 1];
    return startMs !== undefined && previousMs !== undefined && startMs > previousMs && startMs - 1 > firstMs;
  };
  const middle = Math.floor(fragments.length / 2);
  let split: number | undefined;
  for (let offset = 0; offset < fragments.length && split === undefined; offset++) {
    if (canSplitBefore(middle + offset)) split = middle + offset;
    else if (middle - offset > 0 && canSplitBefore(middle - offset)) split = middle - offset;
  }
  if (split === undefined) return null;
  const unlimited = { ...DEFAULT_LIMITS, maxFragments: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER };
  const halves = cutParts(fragments, {
    selector: context.selector,
    limits: unlimited,
    breaks: new Set([split]),
    firstIndex: part.index,
    finalEndMs: part.endMs,
  });
  const [first, second] = halves;
  return first !== undefined && second !== undefined && halves.length === 2 ? [first, second] : null;
}
