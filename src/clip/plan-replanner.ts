import type { PartReplanner } from '../download/fetch-parts.js';
import { bisectPart } from '../plan/bisect-part.js';
import { cutParts } from '../plan/cut-parts.js';
import type { Selector } from '../plan/fragment.js';
import { sumSizes, withNewRows, type FragmentTable } from '../plan/fragment-table.js';
import { resolveLimits, type PlanLimits } from '../plan/limits.js';
import type { Part } from '../plan/part.js';
import { lostFragments } from '../plan/lost-fragments.js';
import { partFragments } from '../plan/part-fragments.js';
import { planParts } from '../plan/plan-parts.js';
import { replanAfterTruncation } from '../plan/replan-after-truncation.js';

/**
 * The download's re-planning port over src/plan: truncated parts re-cut under the limits the service evidently
 * applies, short clips checked against a new listing for fragments that aged out of retention (docs/planning.md,
 * "Retention edge"), codec-change rejections bisected, 404s re-listed. `fragments` is the listing the plan came
 * from; re-listed fragments are added to the replanner's own copy. `list` lists a range again (paced and retried by
 * the caller).
 */
export function planReplanner(options: {
  fragments: FragmentTable;
  selector: Selector;
  limits?: Partial<PlanLimits>;
  list: (range: { startMs: number; endMs: number }) => Promise<FragmentTable>;
}): PartReplanner {
  const { selector } = options;
  let fragments = options.fragments;
  let limits = resolveLimits(options.limits);
  return {
    afterTruncation(part, receivedMs) {
      const { received, rest } = replanAfterTruncation(
        part,
        { durationMs: receivedMs },
        { fragments, selector, limits },
      );
      return rest.length === 0 ? null : [received, ...rest];
    },
    learnFrom(received) {
      const delivered = partFragments(received, { fragments, selector });
      limits = {
        ...limits,
        maxFragments: Math.min(limits.maxFragments, delivered.length),
        maxBytes: Math.min(limits.maxBytes, sumSizes(delivered)),
      };
    },
    async agedOut(part) {
      const listed = await options.list({ startMs: part.startMs, endMs: part.endMs });
      const lost = lostFragments(partFragments(part, { fragments, selector }), listed, selector);
      if (lost.count === 0) return null;
      fragments = withNewRows(fragments, listed);
      return { parts: planInside(listed, part), lost };
    },
    recut(part) {
      if (part.fragmentCount <= limits.maxFragments && part.sizeBytes <= limits.maxBytes) return [part];
      const sorted = partFragments(part, { fragments, selector });
      return cutParts(sorted, { selector, limits, firstIndex: part.index, finalEndMs: part.endMs });
    },
    bisect(part) {
      return bisectPart(part, { fragments, selector });
    },
    async relist(part) {
      const listed = await options.list({ startMs: part.startMs, endMs: part.endMs });
      fragments = withNewRows(fragments, listed);
      return planInside(listed, part);
    },
  };

  /** The parts a new listing of `part`'s range gives, numbered on from the part's index. */
  function planInside(listed: FragmentTable, part: Part): Part[] {
    const plan = planParts(listed, {
      selector,
      window: { startMs: part.startMs, endMs: part.endMs },
      align: 'inside',
      limits,
    });
    return plan.parts.map((p): Part => ({ ...p, index: part.index + p.index }));
  }
}
