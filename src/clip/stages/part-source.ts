import type { FragmentTable } from '../../plan/fragment-table.js';
import type { Plan } from '../../plan/plan-parts.js';
import type { GetOptions } from '../get-types.js';
import { paceGetClip } from '../pace-get-clip.js';
import { listAllFragments, type CallContext } from '../plan-window.js';
import { planReplanner } from '../plan-replanner.js';
import { readSpooledClip } from '../read-spooled-clip.js';
import type { PartSource } from '../targets/output-target.js';

/** Stage 6's input: how every target pulls the plan's parts (GetClip paced per call, replanned on truncation). */
export function partSource(
  planned: { plan: Plan; fragments: FragmentTable },
  options: GetOptions,
  context: CallContext,
): PartSource {
  const { plan, fragments } = planned;
  const { selector } = options.time;
  const { limits: given, concurrency } = options.download;
  const limits = given === undefined ? {} : { limits: given };
  return {
    plan,
    parts: plan.parts,
    concurrency,
    replanner: planReplanner({
      fragments,
      selector,
      ...limits,
      list: (range) => listAllFragments(range, selector, context),
    }),
    readClip: readSpooledClip,
    getClip: (part, sink) =>
      context.kvs.getClip(
        { startMs: part.startMs, endMs: part.endMs },
        { selector, beforeSend: () => paceGetClip(part.fragmentCount, context), ...sink },
      ),
    context,
  };
}
