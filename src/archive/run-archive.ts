// `kvs-clip archive`: the fleet use case (docs/archive.md). Once mode runs one cycle over every stream and
// returns; --follow repeats cycles as segments complete until the stop signal, then lets in-flight segments
// finish within the grace period.
import { setMaxListeners } from 'node:events';
import { parseInstant } from '../time/parse-instant.js';
import { archiveStream, planStream, type FleetRun } from './archive-stream.js';
import type { ArchiveDeps, ArchiveOptions, ArchiveResult, SegmentRecord, StreamOutcome } from './archive-types.js';
import { createFleetBudget } from './fleet-budget.js';
import { selectStreams } from './select-streams.js';
import { alignDown, nextCompletionMs } from './segments.js';
import { streamsOfShard } from './shard.js';

/**
 * Streams worked on at once, per slot of --concurrency. A stream paced at its quota (≤ 1 GetClip/s) keeps a slot
 * busy only while a call is in flight, a fraction of each second, so a slot needs several streams to stay busy:
 * with 2 per slot, 20 streams at --concurrency 8 ran as 16 and then 4, about twice one stream's time (bench figure
 * 9). A waiting stream holds its state and one segment's listing, not a body: memory still follows the concurrency.
 */
const STREAMS_PER_SLOT = 4;
/** --follow: a failed stream is tried again after this long (or at the next segment, whichever is first). */
const RETRY_FAILED_AFTER_MS = 30_000;

/**
 * Archives every complete segment of the selected streams (once), or keeps doing so (`--follow`). Stream failures
 * are outcomes, not exceptions: the result says which streams failed. Throws UsageError for a bad selection or
 * --since, and the stop signal's reason (CancelledError) once a stopped run has let its in-flight segments end.
 */
export async function runArchive(options: ArchiveOptions, deps: ArchiveDeps): Promise<ArchiveResult> {
  const startedMs = deps.nowMs();
  const run = fleetRun(options, deps);
  const outcomes = new Map<string, StreamOutcome>();
  let streams: string[] = [];
  let lastScanMs = Number.NEGATIVE_INFINITY;
  let cycles = 0;
  for (;;) {
    if (options.prefix !== undefined || cycles === 0) {
      if (cycles === 0 || deps.nowMs() - lastScanMs >= options.rescanMs) {
        streams = await rescan(options, deps, streams);
        lastScanMs = deps.nowMs();
      }
    }
    cycles += 1;
    const cycle = await runCycle(streams, run);
    // --follow ends only by a stop signal (thrown below), so it keeps no records: its memory stays flat however
    // long it runs. Once mode and dry runs collect every stream's outcome for the result.
    if (keepsRecords(options))
      for (const outcome of cycle) outcomes.set(outcome.stream, merged(outcomes.get(outcome.stream), outcome));
    if (!options.follow || options.dryRun || deps.signal.aborted) break;
    await idle(nextWakeMs(cycle, run), run);
    if (deps.signal.aborted) break;
  }
  if (deps.signal.aborted) throw deps.signal.reason as Error;
  return {
    streams: [...outcomes.values()].sort((a, b) => a.stream.localeCompare(b.stream)),
    segmentMs: options.segmentMs,
    shard: options.shard ?? null,
    dryRun: options.dryRun,
    cycles,
    durationMs: deps.nowMs() - startedMs,
  };
}

function fleetRun(options: ArchiveOptions, deps: ArchiveDeps): FleetRun {
  const sinceMs = parseInstant(options.since, { nowMs: deps.nowMs(), timeZone: options.timeZone, option: '--since' });
  const work = new AbortController();
  // Every call of every stream worked at once listens to this signal (the SDK adds one listener per request).
  setMaxListeners(0, work.signal);
  // A stop lets in-flight segments run on for the grace period; then they are cut (and stay resumable).
  deps.signal.addEventListener(
    'abort',
    () => void deps.sleep(options.graceMs).then(() => work.abort(deps.signal.reason)),
    { once: true },
  );
  return {
    options,
    deps,
    ...(deps.openObjectStore === undefined ? {} : { objectStore: deps.openObjectStore(work.signal) }),
    budget: createFleetBudget(options.concurrency),
    sinceMs: alignDown(sinceMs, options.segmentMs),
    work: work.signal,
    limit: options.follow ? options.maxSegmentsPerCycle : Number.POSITIVE_INFINITY,
  };
}

/** The selected streams of this shard; with --prefix, ListStreams again (new streams join under --follow). */
async function rescan(options: ArchiveOptions, deps: ArchiveDeps, known: readonly string[]): Promise<string[]> {
  const listed = options.prefix === undefined ? [] : await deps.listStreams(options.prefix, deps.signal);
  const selected = selectStreams({
    names: options.names,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix, listed }),
    ...(options.streamsFile === undefined
      ? {}
      : { fileText: options.streamsFile.text, fileName: options.streamsFile.name }),
  });
  const streams = streamsOfShard(selected, options.shard);
  const added = streams.filter((stream) => !known.includes(stream));
  if (added.length > 0 || known.length === 0) deps.emit({ type: 'streams', streams, added });
  return streams;
}

/** One pass over the streams, a bounded number at a time (memory follows --concurrency, not the fleet size). */
async function runCycle(streams: readonly string[], run: FleetRun): Promise<StreamOutcome[]> {
  const outcomes: StreamOutcome[] = [];
  let next = 0;
  const width = Math.min(streams.length, run.options.concurrency * STREAMS_PER_SLOT);
  const worker = async (): Promise<void> => {
    while (next < streams.length && !run.deps.signal.aborted) {
      const stream = streams[next] ?? '';
      next += 1;
      const outcome = await (run.options.dryRun ? planStream(stream, run) : archiveStream(stream, run));
      // What the next wake-up needs (status, cursor); the segment records only when the result will hold them.
      outcomes.push(keepsRecords(run.options) ? outcome : { ...outcome, segments: [], planned: [] });
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return outcomes;
}

/** Whether the run returns its segment records (once mode, dry runs) or only runs until stopped (--follow). */
function keepsRecords(options: ArchiveOptions): boolean {
  return !options.follow || options.dryRun;
}

/** When the next segment of any stream completes; sooner when a stream failed (retried) or has a backlog left. */
function nextWakeMs(cycle: readonly StreamOutcome[], run: FleetRun): number {
  const { options, deps } = run;
  const nowMs = deps.nowMs();
  let wakeMs = nowMs + options.rescanMs;
  for (const outcome of cycle) {
    if (outcome.status === 'failed') wakeMs = Math.min(wakeMs, nowMs + RETRY_FAILED_AFTER_MS);
    if (outcome.cursorMs !== null)
      wakeMs = Math.min(wakeMs, nextCompletionMs(outcome.cursorMs, options.settleMs, options.segmentMs));
  }
  return Math.max(wakeMs, nowMs);
}

/** Sleeps until `untilMs` or the stop signal, whichever is first. */
async function idle(untilMs: number, run: FleetRun): Promise<void> {
  const { deps } = run;
  const ms = untilMs - deps.nowMs();
  if (ms <= 0 || deps.signal.aborted) return;
  deps.emit({ type: 'idle', untilMs });
  await new Promise<void>((resolve) => {
    const done = (): void => {
      deps.signal.removeEventListener('abort', done);
      resolve();
    };
    deps.signal.addEventListener('abort', done, { once: true });
    void deps.sleep(ms).then(done);
  });
}

/** A stream's outcome over several cycles: all its segments, the latest status and cursor. */
function merged(before: StreamOutcome | undefined, latest: StreamOutcome): StreamOutcome {
  if (before === undefined) return latest;
  const segments: SegmentRecord[] = [...before.segments, ...latest.segments];
  return { ...latest, segments, planned: [...before.planned, ...latest.planned] };
}
