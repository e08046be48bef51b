import type { FragmentTable } from '../../plan/fragment-table.js';
import type { Part } from '../../plan/part.js';
import type { Plan } from '../../plan/plan-parts.js';
import { downloadAndJoin } from '../download-and-join.js';
import type { GetOptions } from '../get-types.js';
import { paceGetClip } from '../pace-get-clip.js';
import { listAllFragments, type CallContext } from '../plan-window.js';
import { planReplanner } from '../plan-replanner.js';
import { readSpooledClip } from '../read-spooled-clip.js';
import type { PartSource } from '../targets/output-target.js';

/**
 * Stage 6's input for a listed run: how every target pulls the plan's parts (GetClip paced per call, replanned on
 * truncation); a joined target goes through `joinInto` (downloadAndJoin).
 */
export function partSource(
  planned: { plan: Plan; fragments: FragmentTable },
  options: GetOptions,
  context: CallContext,
): PartSource {
  const { plan, fragments } = planned;
  const { selector } = options.time;
  const { limits: given, concurrency, headBodyMemoryBytes } = options.download;
  const limits = given === undefined ? {} : { limits: given };
  const fetching = {
    parts: plan.parts,
    concurrency,
    replanner: planReplanner({
      fragments,
      selector,
      ...limits,
      list: (range) => listAllFragments(range, selector, context),
    }),
    readClip: readSpooledClip,
    getClip: (part: Part, sink: { destPath: string; signal: AbortSignal; onBytes: (bytes: number) => void }) =>
      context.kvs.getClip(
        { startMs: part.startMs, endMs: part.endMs },
        { selector, beforeSend: () => paceGetClip(part.fragmentCount, context), ...sink },
      ),
  };
  return {
    plan,
    ...fetching,
    context,
    // The listed parts (or the subset a gap run names) downloaded and joined, resumable (download-and-join.ts).
    joinInto: (destination) =>
      downloadAndJoin(
        {
          ...fetching,
          ...destination,
          parts: destination.parts ?? plan.parts,
          ...(headBodyMemoryBytes === undefined ? {} : { headBodyMemoryBytes }),
        },
        context,
      ),
  };
}
