import type { Part } from './part.js';
import type { Plan } from './plan-parts.js';

/**
 * The plan with the part at `index` replaced by `replacement` (the output of replanAfterTruncation, with the
 * received prefix kept as a shortened part by the caller, or of bisectPart), every part renumbered 0…n−1.
 * Totals and gaps do not change: the same fragments are fetched, only cut differently. Pure; throws RangeError for
 * an index outside the plan.
 */
export function replaceParts(plan: Plan, index: number, replacement: readonly Part[]): Plan {
  if (!Number.isInteger(index) || index < 0 || index >= plan.parts.length) {
    throw new RangeError(`No part ${index} in a plan of ${plan.parts.length} parts`);
  }
  const parts = [...plan.parts.slice(0, index), ...replacement, ...plan.parts.slice(index + 1)].map((part, i) =>
    part.index === i ? part : { ...part, index: i },
  );
  return { ...plan, parts };
}
