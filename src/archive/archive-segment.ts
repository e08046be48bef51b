// One archive segment through the `get` pipeline (docs/archive.md, "Exactly once"): the window is the segment,
// fragments are those starting inside it, and the per-stream state follows cron mode's two-phase commit.
import type { CronStore } from '../clip/cron-store.js';
import { fetchWindow } from '../clip/fetch-window.js';
import { getOptions } from '../clip/get-defaults.js';
import type { GetDeps, GetOptions } from '../clip/get-types.js';
import type { CallContext } from '../clip/plan-window.js';
import type { CronState, PendingWindow } from '../output/state-file.js';
import type { ArchiveOptions, SegmentRecord } from './archive-types.js';
import type { Segment } from './segments.js';

/**
 * Bytes of a segment's head GetClip body held in memory ahead of its join (a plain `get` holds up to 16 MiB). Small,
 * so a call keeps its fleet slot until the joiner has nearly all its bytes: the bodies in memory then follow
 * --concurrency, not the streams worked at once (docs/archive.md, "Memory").
 */
const HEAD_BODY_MEMORY_BYTES = 4 * 1024 * 1024;

/** The `get` options of one segment: its rendered output, `inside` alignment, the per-segment flags. */
export function segmentGetOptions(options: ArchiveOptions, stream: string, output: string): GetOptions {
  const get = options.get;
  return getOptions({
    stream,
    time: { tz: options.timeZone, selector: options.selector, align: 'inside' },
    output: {
      path: output,
      mkdir: true,
      ...(get.format === undefined ? {} : { format: get.format }),
      ...(get.faststart === undefined ? {} : { faststart: get.faststart }),
      ...(get.gaps === undefined ? {} : { gaps: get.gaps }),
    },
    download: {
      headBodyMemoryBytes: HEAD_BODY_MEMORY_BYTES,
      ...(get.partConcurrency === undefined ? {} : { concurrency: get.partConcurrency }),
      ...(get.retries === undefined ? {} : { retries: get.retries }),
      ...(get.retryMaxTimeMs === undefined ? {} : { retryMaxTimeMs: get.retryMaxTimeMs }),
      ...(get.fragmentRate === undefined ? {} : { fragmentRate: get.fragmentRate }),
      ...(get.pacing === undefined ? {} : { pacing: get.pacing }),
      ...(get.limits === undefined ? {} : { limits: get.limits }),
    },
    postSteps: get.exec === undefined ? {} : { exec: get.exec },
  });
}

/**
 * Archives `segment` (the one at the state's cursor) and moves the cursor to its end. Before the first GetClip the
 * state records `pending`; a rerun after a crash finds it and finishes the same segment (its resume manifest makes
 * the file byte-identical; an output already in place is taken as done). An empty segment is done with no file.
 * Throws what the pipeline throws; the state then keeps `pending` (or the old cursor) for the next cycle.
 */
export async function archiveSegment(
  segment: Segment,
  state: CronState | undefined,
  run: { options: GetOptions; deps: GetDeps; context: CallContext; store: CronStore },
): Promise<{ record: SegmentRecord; state: CronState }> {
  const { options, deps, store } = run;
  const keep = state?.lastFragmentNumber === undefined ? {} : { lastFragmentNumber: state.lastFragmentNumber };
  const resumed = state?.pending?.startMs === segment.startMs;
  let pending: PendingWindow | undefined;
  const savePending = (next: PendingWindow): Promise<void> =>
    store.save({ cursorMs: segment.startMs, ...keep, pending: (pending = next) });
  const base = (output: string): PendingWindow => ({ startMs: segment.startMs, endMs: segment.endMs, output });
  // The pipeline's windows are inclusive at both ends; a segment is [start, end).
  const window = { startMs: segment.startMs, endMs: segment.endMs - 1 };
  const outcome = await fetchWindow(
    options,
    deps,
    run.context,
    { window, align: 'inside' },
    {
      emptyIsSuccess: true,
      existingIsDone: resumed,
      beforeDownload: (output) => savePending(base(output)),
      afterWrite: async (written, owed) => {
        if (owed.length === 0) return;
        const last = written.lastFragment?.fragmentNumber;
        const cursor = { cursorMs: segment.endMs, ...(last === undefined ? keep : { lastFragmentNumber: last }) };
        await savePending({ ...(pending ?? base(owed[0]?.output ?? '')), written: cursor, steps: [...owed] });
      },
      onStepDone: async (done) => {
        if (pending === undefined) return;
        await savePending({ ...pending, steps: (pending.steps ?? []).filter((step) => step !== done) });
      },
    },
  );
  const last = outcome.lastFragment?.fragmentNumber;
  const fields = { cursorMs: segment.endMs, ...(last === undefined ? keep : { lastFragmentNumber: last }) };
  await store.save(fields);
  const { result } = outcome;
  const parts = result.parts.map((entry) => entry.part);
  const record: SegmentRecord = {
    ...segment,
    output: result.fragments === 0 && !result.skipped ? null : result.output,
    fragments: result.fragments,
    bytes: result.bytes,
    firstFragmentNumber: parts[0]?.firstFragmentNumber ?? null,
    lastFragmentNumber: parts[parts.length - 1]?.lastFragmentNumber ?? null,
    gaps: result.gaps,
    resumed,
  };
  const saved: CronState = {
    version: 1,
    stream: options.stream,
    selector: options.time.selector,
    ...fields,
    updatedAt: new Date(deps.nowMs()).toISOString(),
  };
  return { record, state: saved };
}
