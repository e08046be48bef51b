import { RemoteError } from '../errors/remote-error.js';
import { cutParts } from './cut-parts.js';
import type { Selector } from './fragment.js';
import { sliceTable, startAt, sumSizes, tableOf, type FragmentList, type FragmentTable } from './fragment-table.js';
import { DEFAULT_LIMITS, resolveLimits, type PlanLimits } from './limits.js';
import type { Part } from './part.js';
import { partFragments } from './part-fragments.js';

/** What a truncated GetClip response held: whole fragments, or the media duration of its samples. */
export type Received = { readonly fragmentCount: number } | { readonly durationMs: number };

/** The listing and selector a plan was made with, and the limits it used. */
export type ReplanContext = {
  /** The listing the plan was made from (or a superset). */
  readonly fragments: FragmentList;
  readonly selector: Selector;
  readonly limits?: Partial<PlanLimits>;
};

/**
 * How many whole fragments a response of `durationMs` holds: a fragment counts once more than half of it is covered,
 * so sample durations that differ from the nominal fragment lengths by a frame or two do not shift the count. Any
 * media at all counts as at least one fragment: GetClip truncates at fragment boundaries and always returns the first.
 */
function countByDuration(fragments: FragmentTable, durationMs: number): number {
  let elapsedMs = 0;
  let count = 0;
  for (let i = 0; i < fragments.length; i++) {
    const fragmentMs = fragments.durationMs[i] ?? 0;
    if (elapsedMs + fragmentMs / 2 >= durationMs) break;
    elapsedMs += fragmentMs;
    count++;
  }
  return durationMs > 0 ? Math.max(1, count) : 0;
}

/** A truncated part re-cut: what the response already holds, and the parts still to fetch. */
export type Replanned = {
  /** The received prefix as a part (same Start, End just before `rest[0]`), so the kept body stays described. */
  readonly received: Part;
  /** Parts still to fetch; empty when nothing is missing. */
  readonly rest: readonly Part[];
};

/**
 * Re-cuts a part whose GetClip response came back truncated (GetClip silently stops at its 100 MB / 200 fragment
 * caps, docs/planning.md, "Cutting parts"): the received prefix, then the rest as new parts. The rest is cut no larger
 * than what the service actually delivered, since the caps evidently bind below the planned limits; its last part keeps
 * the original End so the seam with the next part is unchanged. Indexes count on from `part.index`; splice `[received,
 * ...rest]` into the plan with replaceParts. When everything arrived, `received` is `part` itself.
 *
 * Throws RemoteError E_REMOTE when nothing was received (a clip without media is a failed call, not a truncation),
 * RangeError when `fragments` does not contain the part's fragments.
 */
export function replanAfterTruncation(part: Part, received: Received, context: ReplanContext): Replanned {
  const fragments = partFragments(part, { fragments: tableOf(context.fragments), selector: context.selector });
  const receivedCount =
    'fragmentCount' in received ? received.fragmentCount : countByDuration(fragments, received.durationMs);
  if (receivedCount >= fragments.length) return { received: part, rest: [] };
  if (receivedCount <= 0) {
    throw new RemoteError(
      'E_REMOTE',
      `GetClip part ${part.index + 1} returned a clip without media (${part.fragmentCount} fragments planned)`,
      {
        hint: 'Run the same command again later (finished parts are kept)',
      },
    );
  }
  const limits = resolveLimits(context.limits);
  const deliveredBytes = sumSizes(fragments, 0, receivedCount);
  const restStartMs =
    receivedCount < fragments.length ? startAt(fragments, receivedCount, context.selector) : part.endMs;
  const prefix = cutParts(sliceTable(fragments, 0, receivedCount), {
    selector: context.selector,
    limits: { ...DEFAULT_LIMITS, maxFragments: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER },
    firstIndex: part.index,
    finalEndMs: Math.max(restStartMs - 1, part.startMs + 1),
  });
  const rest = cutParts(sliceTable(fragments, receivedCount, fragments.length), {
    selector: context.selector,
    limits: {
      maxFragments: Math.min(limits.maxFragments, receivedCount),
      maxBytes: Math.min(limits.maxBytes, deliveredBytes),
      maxSpanMs: limits.maxSpanMs,
    },
    firstIndex: part.index + 1,
    finalEndMs: part.endMs,
  });
  return { received: prefix[0] ?? part, rest };
}
