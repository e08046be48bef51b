// What `kvs-clip archive` is asked to do and what it reports (docs/archive.md). The use case is run-archive.ts.
import type { ObjectStore } from '../clip/targets/object-store.js';
import type { GetEvent } from '../download/events.js';
import type { OutputFormat } from '../mp4/model.js';
import type { KvsSession, KvsSessionOptions } from '../kvs/kvs-session.js';
import type { Gap } from '../plan/find-gaps.js';
import type { Selector } from '../plan/fragment.js';
import type { PlanLimits } from '../plan/limits.js';
import type { Segment } from './segments.js';
import type { Shard } from './shard.js';

/** The per-segment `get` options that make sense for an archive (each segment is one `get` window). */
export type SegmentGetOptions = {
  readonly format?: OutputFormat;
  readonly faststart?: boolean;
  readonly gaps?: 'keep' | 'close';
  readonly retries?: number;
  readonly retryMaxTimeMs?: number;
  readonly fragmentRate?: number;
  readonly pacing?: boolean;
  readonly exec?: string;
  /** Parts of one segment downloaded ahead of its join (still inside the fleet budget). */
  readonly partConcurrency?: number;
  readonly limits?: Partial<PlanLimits>;
};

export type ArchiveOptions = {
  /** Explicit stream names. */
  readonly names: readonly string[];
  readonly prefix?: string;
  readonly streamsFile?: { readonly name: string; readonly text: string };
  readonly shard?: Shard;
  readonly segmentMs: number;
  /** One `<stream>.state.json` (and its lock) per stream. */
  readonly stateDir: string;
  /** Output template (`{stream}`, `{start}`, `{end}`, `{date}`, `{selector}`); relative to cwd. */
  readonly output: string;
  /** Where a stream with no state starts (aligned down to its segment), as typed. */
  readonly since: string;
  readonly timeZone: string;
  readonly settleMs: number;
  readonly selector: Selector;
  readonly follow: boolean;
  /** After SIGTERM/SIGINT, how long in-flight segments may take to finish before they are cut (resumable). */
  readonly graceMs: number;
  /** GetClip calls in flight across the whole fleet. */
  readonly concurrency: number;
  /** Segments one stream archives per cycle at most (a long backlog is caught up over several cycles). */
  readonly maxSegmentsPerCycle: number;
  /** --follow: how often ListStreams is asked again for new --prefix streams. */
  readonly rescanMs: number;
  readonly dryRun: boolean;
  readonly get: SegmentGetOptions;
};

/** What the archive reports while it runs; `get` wraps one segment's pipeline event with its stream. */
export type ArchiveEvent =
  | { readonly type: 'streams'; readonly streams: readonly string[]; readonly added: readonly string[] }
  | { readonly type: 'segment-start'; readonly stream: string; readonly segment: Segment; readonly output: string }
  | { readonly type: 'segment-done'; readonly stream: string; readonly record: SegmentRecord }
  | { readonly type: 'segment-planned'; readonly stream: string; readonly segment: Segment; readonly output: string }
  | {
      readonly type: 'stream-failed';
      readonly stream: string;
      readonly segment: Segment | null;
      readonly error: StreamError;
    }
  | { readonly type: 'get'; readonly stream: string; readonly event: GetEvent }
  | { readonly type: 'idle'; readonly untilMs: number };

export type StreamError = { readonly code: string; readonly exitCode: number; readonly message: string };

/** One segment as archived: its file (null when empty), what it holds, and its gaps. */
export type SegmentRecord = Segment & {
  readonly output: string | null;
  readonly fragments: number;
  readonly bytes: number;
  readonly firstFragmentNumber: string | null;
  readonly lastFragmentNumber: string | null;
  readonly gaps: readonly Gap[];
  /** Finished by this run from an earlier run's pending state (resume). */
  readonly resumed: boolean;
};

/** One stream's outcome over the run. */
export type StreamOutcome = {
  readonly stream: string;
  /** `ok`: up to date (every complete segment archived); `failed`: see `error`, retried next cycle or run. */
  readonly status: 'ok' | 'failed';
  readonly segments: readonly SegmentRecord[];
  /** `--dry-run`: the segments it would archive. */
  readonly planned: readonly (Segment & { readonly output: string })[];
  /** The start of the first segment not yet done. */
  readonly cursorMs: number | null;
  readonly error?: StreamError;
};

export type ArchiveResult = {
  readonly streams: readonly StreamOutcome[];
  readonly segmentMs: number;
  readonly shard: Shard | null;
  readonly dryRun: boolean;
  readonly cycles: number;
  readonly durationMs: number;
};

/** The outside world, injected (tests control time; the CLI binds the real process). */
export type ArchiveDeps = {
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly openSession: (options: KvsSessionOptions) => KvsSession;
  /** ListStreams names starting with `prefix` (all pages). */
  readonly listStreams: (prefix: string, signal: AbortSignal) => Promise<string[]>;
  readonly cwd: string;
  readonly emit: (event: ArchiveEvent) => void;
  /** SIGTERM/SIGINT: stop starting segments; in-flight ones get `graceMs`. */
  readonly signal: AbortSignal;
  /**
   * `-o s3://…`: opens the store segment objects are written through (src/s3 binds it; src/archive never loads the
   * SDK), once per run. Its uploads must obey `work`, the run's signal that aborts when the grace period after a
   * stop is over, not the stop signal itself: a segment in flight at SIGTERM finishes its upload within the grace.
   */
  readonly openObjectStore?: (work: AbortSignal) => ObjectStore;
  /** `--state-dir s3://…`: the per-stream state objects behind the local working copies in `stateDir`. */
  readonly stateMirror?: StateMirror;
};

/**
 * Remote state (docs/archive.md, "State in S3"): `load` copies a stream's state object over its local working copy
 * (removing the copy when there is no object), `save` writes the working copy back after every state change.
 */
export type StateMirror = {
  load(stream: string, localPath: string, signal: AbortSignal): Promise<void>;
  save(stream: string, localPath: string, signal: AbortSignal): Promise<void>;
};
