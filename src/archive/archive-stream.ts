// One stream's turn in an archive cycle (docs/archive.md): its lock and state, the complete segments from its
// cursor, each through archive-segment.ts. A failure ends this stream's turn only.
import { GET_DEFAULTS } from '../clip/get-defaults.js';
import { resolve } from 'node:path';
import { cronStore, type CronStore } from '../clip/cron-store.js';
import type { GetDeps } from '../clip/get-types.js';
import type { KvsPort } from '../clip/kvs-port.js';
import type { ObjectStore } from '../clip/targets/object-store.js';
import { outputName } from '../clip/output-name.js';
import { createRunContext } from '../clip/run-context.js';
import { settleOwedSteps } from '../clip/settle-owed-steps.js';
import { KvsClipError } from '../errors/kvs-clip-error.js';
import { acquireLock } from '../output/lock.js';
import { makeDirectories } from '../output/make-directories.js';
import { toOutputError } from '../output/to-output-error.js';
import { formatS3Uri, isS3Uri, parseS3Uri, renderS3Key } from '../s3/s3-uri.js';
import { readState } from '../output/state-file.js';
import { archiveSegment, segmentGetOptions } from './archive-segment.js';
import type { ArchiveDeps, ArchiveOptions, SegmentRecord, StreamError, StreamOutcome } from './archive-types.js';
import { budgetedPort } from './budgeted-port.js';
import type { FleetBudget } from './fleet-budget.js';
import { segmentsDue } from './segments-due.js';
import { startCursor, type Segment } from './segments.js';

/** What every stream of one run shares. */
export type FleetRun = {
  readonly options: ArchiveOptions;
  readonly deps: ArchiveDeps;
  readonly budget: FleetBudget;
  /** Where a stream without state starts (already aligned). */
  readonly sinceMs: number;
  /** Aborts in-flight work once the grace period after a stop signal is over. */
  readonly work: AbortSignal;
  /** Segments per stream this cycle (Infinity in once mode). */
  readonly limit: number;
  /** `-o s3://…`: the run's object store, bound to `work`. */
  readonly objectStore?: ObjectStore;
};

/** The state file of one stream. */
export function statePathOf(run: Pick<FleetRun, 'options' | 'deps'>, stream: string): string {
  return resolve(run.deps.cwd, run.options.stateDir, `${stream}.state.json`);
}

/**
 * Creates the state directory and its missing parents. Not `mkdir(…, { recursive: true })`: on Node 20 that spins
 * at full CPU forever when a parent cannot be created (`--state-dir /proc/x`, make-directories.ts). Throws
 * OutputError `E_OUTPUT_WRITE` naming the level that failed.
 */
async function makeStateDir(run: Pick<FleetRun, 'options' | 'deps'>): Promise<void> {
  const dir = resolve(run.deps.cwd, run.options.stateDir);
  try {
    await makeDirectories(dir);
  } catch (error) {
    throw toOutputError(error, dir);
  }
}

/** A segment's output path: the template filled with the stream and the segment's own [start, end). */
export function segmentOutput(run: Pick<FleetRun, 'options' | 'deps'>, stream: string, segment: Segment): string {
  const { output, selector } = run.options;
  if (!isS3Uri(output)) return outputName({ path: output, stream, selector }, segment, run.deps.cwd);
  // The object's whole URI, rendered here so {end} is the segment's end (the pipeline's window ends 1 ms before).
  const destination = parseS3Uri(output);
  const key = renderS3Key(destination, { stream, startMs: segment.startMs, endMs: segment.endMs, selector });
  return formatS3Uri(destination.bucket, key);
}

/** The stream's state store; with `--state-dir s3://…` every save is also written back to its state object. */
function streamStore(run: FleetRun, stream: string, path: string, deps: GetDeps): CronStore {
  const local = cronStore(path, segmentGetOptions(run.options, stream, run.options.output), deps);
  const mirror = run.deps.stateMirror;
  if (mirror === undefined) return local;
  return {
    ...local,
    save: async (fields) => {
      await local.save(fields);
      await mirror.save(stream, path, run.work);
    },
  };
}

/**
 * Archives the complete segments of `stream` from its cursor, oldest first, until it is up to date, `run.limit` is
 * reached or the run is stopping. Never throws for the stream's own failures: they become a `failed` outcome
 * (with the segments done before) and are retried next cycle or run. Rethrows cancellation.
 */
export async function archiveStream(stream: string, run: FleetRun): Promise<StreamOutcome> {
  const path = statePathOf(run, stream);
  const segments: SegmentRecord[] = [];
  let cursorMs: number | null = null;
  let current: Segment | null = null;
  try {
    await makeStateDir(run);
    const lock = await acquireLock(path, { nowMs: run.deps.nowMs() });
    try {
      const deps = getDepsOf(run, stream);
      await run.deps.stateMirror?.load(stream, path, run.work);
      const store = streamStore(run, stream, path, deps);
      let state = await store.read();
      const context = contextOf(run, stream, deps);
      for (;;) {
        if (state?.pending?.written !== undefined) {
          const placeholder = segmentGetOptions(run.options, stream, state.pending.output);
          state = await settleOwedSteps(state, store, placeholder, deps);
        }
        cursorMs = startCursor(state?.cursorMs, run.sinceMs, run.options.segmentMs);
        const [segment] = segmentsDue(cursorMs, run, 1);
        if (segment === undefined || segments.length >= run.limit || run.deps.signal.aborted) break;
        current = segment;
        const output = segmentOutput(run, stream, segment);
        run.deps.emit({ type: 'segment-start', stream, segment, output });
        const options = segmentGetOptions(run.options, stream, output);
        const done = await archiveSegment(segment, state, { options, deps, context, store });
        segments.push(done.record);
        // The store lists every object it wrote; the archive reports them per segment, so keep the list short.
        run.objectStore?.stored.splice(0);
        run.deps.emit({ type: 'segment-done', stream, record: done.record });
        state = done.state;
        cursorMs = segment.endMs;
        current = null;
      }
    } finally {
      await lock.release();
    }
    return { stream, status: 'ok', segments, planned: [], cursorMs };
  } catch (error) {
    if (run.work.aborted) throw run.work.reason as Error;
    const failure = streamError(error);
    run.deps.emit({ type: 'stream-failed', stream, segment: current, error: failure });
    return { stream, status: 'failed', segments, planned: [], cursorMs, error: failure };
  }
}

/** `--dry-run`: the segments the stream would archive now, from its state (read without the lock). */
export async function planStream(stream: string, run: FleetRun): Promise<StreamOutcome> {
  try {
    if (run.deps.stateMirror !== undefined) {
      await makeStateDir(run);
      await run.deps.stateMirror.load(stream, statePathOf(run, stream), run.work);
    }
    const state = await readState(statePathOf(run, stream));
    const cursorMs = startCursor(state?.cursorMs, run.sinceMs, run.options.segmentMs);
    const planned = segmentsDue(cursorMs, run, run.limit).map((segment) => {
      const output = segmentOutput(run, stream, segment);
      run.deps.emit({ type: 'segment-planned', stream, segment, output });
      return { ...segment, output };
    });
    return { stream, status: 'ok', segments: [], planned, cursorMs };
  } catch (error) {
    const failure = streamError(error);
    run.deps.emit({ type: 'stream-failed', stream, segment: null, error: failure });
    return { stream, status: 'failed', segments: [], planned: [], cursorMs: null, error: failure };
  }
}

function getDepsOf(run: FleetRun, stream: string): GetDeps {
  const { deps } = run;
  return {
    nowMs: deps.nowMs,
    sleep: deps.sleep,
    random: deps.random,
    openSession: deps.openSession,
    cwd: deps.cwd,
    emit: (event) => deps.emit({ type: 'get', stream, event }),
    signal: run.work,
    ...(run.objectStore === undefined ? {} : { objectStore: run.objectStore }),
  };
}

function contextOf(run: FleetRun, stream: string, deps: GetDeps): ReturnType<typeof createRunContext> {
  const get = run.options.get;
  const context = createRunContext(
    {
      stream,
      download: {
        retries: get.retries ?? GET_DEFAULTS.download.retries,
        retryMaxTimeMs: get.retryMaxTimeMs ?? GET_DEFAULTS.download.retryMaxTimeMs,
        ...(get.fragmentRate === undefined ? {} : { fragmentRate: get.fragmentRate }),
        ...(get.pacing === undefined ? {} : { pacing: get.pacing }),
      },
    },
    deps,
  );
  const kvs = budgetedPort(context.kvs, run.budget, stream, run.deps);
  return { ...context, kvs: { ...kvs, describeStream: describedOnce((options) => kvs.describeStream(options)) } };
}

/**
 * DescribeStream once per stream turn instead of once per segment (the ARN and retention do not change between the
 * segments of one turn; a new turn, the next cycle under --follow, asks again). A failed call is not kept, so the
 * pipeline's retries ask again.
 */
function describedOnce(describe: KvsPort['describeStream']): KvsPort['describeStream'] {
  let described: ReturnType<KvsPort['describeStream']> | undefined;
  return (options) => {
    described ??= describe(options).catch((error: unknown) => {
      described = undefined;
      throw error;
    });
    return described;
  };
}

function streamError(error: unknown): StreamError {
  if (error instanceof KvsClipError) return { code: error.code, exitCode: error.exitCode, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'E_INTERNAL', exitCode: 1, message: `Internal error: ${message}` };
}
