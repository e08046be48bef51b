import type { ObjectStore } from './targets/object-store.js';
import type { Gap } from '../plan/find-gaps.js';
import type { Selector, TimeRange } from '../plan/fragment.js';
import type { PlanLimits } from '../plan/limits.js';
import type { Part } from '../plan/part.js';
import type { Align } from '../plan/select-window.js';
import type { WindowInput } from '../time/resolve-window.js';
import type { EventSink } from '../download/events.js';
import type { OutputFormat } from '../mp4/model.js';
import type { KvsSession, KvsSessionOptions } from '../kvs/kvs-session.js';

/**
 * What `kvs-clip get` was asked to do (README.md; docs/pipeline.md, "Options"), already parsed and checked by the
 * CLI, in the groups the stages read: when (time), where and how (output), how to fetch (download), cron mode and
 * the post-steps. Every field a flag sets is present; `getOptions` (get-defaults.ts) fills a partial request from
 * the one table of defaults, so nothing below falls back to a default of its own.
 */
export type GetOptions = {
  readonly stream: string;
  readonly streamArn?: string;
  readonly time: TimeOptions;
  readonly output: OutputOptions;
  readonly download: DownloadOptions;
  /** Cron mode (`--state`); absent for a plain run. */
  readonly cron?: CronOptions;
  readonly postSteps: PostStepOptions;
};

/** The window as typed (resolved inside runGet with the injected clock), its zone and the timestamp selector. */
export type TimeOptions = WindowInput & {
  /** IANA zone for naive times and the echo. */
  readonly tz: string;
  readonly selector: Selector;
  /** Absent: `cover`, or `inside` when continuing from a --state cursor. */
  readonly align?: Align;
};

export type GapMode = 'keep' | 'close' | 'split';

/** Where the video goes and how it is laid out. */
export type OutputOptions = {
  /** `-o`: a path or template; `-` = fragmented MP4 on `deps.stdout`; absent = the default template. */
  readonly path?: string;
  readonly force: boolean;
  readonly skipExisting: boolean;
  readonly mkdir: boolean;
  /** One file per GetClip call instead of one joined file. */
  readonly split: boolean;
  /** moov first (progressive files). */
  readonly faststart: boolean;
  /** The joiner's format (`fragmented` is used for `-o -`). */
  readonly format: OutputFormat;
  readonly gaps: GapMode;
  readonly failOnGap: boolean;
};

/** How the parts are fetched: parallelism, retries, pacing, resume. */
export type DownloadOptions = {
  readonly concurrency: number;
  readonly retries: number;
  readonly retryMaxTimeMs: number;
  /** Fragments per second GetClip may return for this stream. */
  readonly fragmentRate: number;
  /**
   * False (`--no-pacing`): no GetClip/ListFragments pacing until the first throttle, which turns the quota pacing on
   * (endpoints without KVS quotas).
   */
  readonly pacing: boolean;
  /** Plan only: no GetClip. */
  readonly dryRun: boolean;
  /** Continue from a matching resume manifest (`--no-continue` sets false). */
  readonly continue: boolean;
  /** Keep spool files after a failure even when nothing is resumable. */
  readonly keepParts: boolean;
  /** Planning limits (tests shrink them). */
  readonly limits?: Partial<PlanLimits>;
  /**
   * Bytes of the head part's body held in memory ahead of the joiner (default 16 MiB, src/download/part-body.ts).
   * `archive` lowers it, so that a GetClip (and its fleet slot) lasts until the joiner has the bytes and memory
   * follows the calls in flight, not the streams worked at once (docs/archive.md).
   */
  readonly headBodyMemoryBytes?: number;
};

/** `--state`: exactly-once archiving from a cursor. */
export type CronOptions = {
  /** The state file. */
  readonly state: string;
  /** How messages name the state, when `state` is a working copy: the `s3://` URI of `--state s3://…`. */
  readonly label?: string;
  /** The newest time left for the next run. */
  readonly settleMs: number;
};

/** What runs once the output is in place (docs/pipeline.md, "PostStep"). */
export type PostStepOptions = {
  /** `--exec 'CMD {}'`. */
  readonly exec?: string;
};

/** Everything runGet needs from the outside world, injected so tests control time, randomness and I/O. */
export type GetDeps = {
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the backoff jitter. */
  readonly random: () => number;
  /**
   * Opens the KVS session for the stream: `(options) => createKvsSession(clients, options)` over clients made with
   * createKvsClients (maxAttempts 1). runGet passes the stream and its pacing hook.
   */
  readonly openSession: (options: KvsSessionOptions) => KvsSession;
  /** Relative output paths and the state file resolve against this. */
  readonly cwd: string;
  readonly emit: EventSink;
  readonly signal: AbortSignal;
  /** Destination of `-o -`. */
  readonly stdout?: NodeJS.WritableStream;
  /** Destination of `-o s3://…` (src/s3/object-store.ts); absent when the run writes no object. */
  readonly objectStore?: ObjectStore;
};

/** One part as the result reports it. */
export type PartResult = {
  readonly part: Part;
  /** Bytes of the downloaded clip; absent with --dry-run. */
  readonly downloadedBytes?: number;
  /** Taken from a previous run (resume) instead of the network. */
  readonly resumed?: boolean;
  /** The part's own file with --split. */
  readonly output?: string;
};

/** What a `get` run did; the CLI renders it as the `--json` document and the final human line. */
export type GetResult = {
  readonly stream: string;
  /** The resolved (and retention-clamped) window. */
  readonly window: TimeRange;
  readonly timeZone: string;
  readonly selector: Selector;
  readonly align: Align;
  readonly covered: TimeRange | null;
  readonly dryRun: boolean;
  /** Final path; `-` for stdout; null for --dry-run, --split, an empty --state window, or nothing written. */
  readonly output: string | null;
  readonly outputs: readonly string[];
  /** `--skip-existing` found the output in place and did nothing. */
  readonly skipped: boolean;
  /** GetClip calls sent (0 for a dry run or a fully resumed run). */
  readonly calls: number;
  readonly parts: readonly PartResult[];
  /** Output bytes written (or planned Σ fragment sizes for a dry run). */
  readonly bytes: number;
  readonly fragments: number;
  readonly gaps: readonly Gap[];
  readonly retries: number;
  readonly durationMs: number;
  /** With --state: the cursor after this run (the next run's start). */
  readonly stateCursorMs?: number;
};
