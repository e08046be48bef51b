import type { ObjectStore } from './targets/object-store.js';
import type { Gap } from '../plan/find-gaps.js';
import type { Selector, TimeRange } from '../plan/fragment.js';
import type { PlanLimits } from '../plan/limits.js';
import type { Part } from '../plan/part.js';
import type { Align } from '../plan/select-window.js';
import type { WindowInput } from '../time/resolve-window.js';
import type { EventSink } from '../download/events.js';
import type { KvsSession, KvsSessionOptions } from '../kvs/kvs-session.js';

/**
 * What `kvs-clip get` was asked to do (README.md; docs/resume-and-state.md, "Cron state"), already parsed and checked
 * by the CLI.
 */
export type GetOptions = {
  readonly stream: string;
  readonly streamArn?: string;
  /** The time flags as typed (resolved inside runGet with the injected clock). */
  readonly time: WindowInput;
  /** IANA zone for naive times and the echo. */
  readonly timeZone: string;
  readonly selector: Selector;
  /** Absent: `cover`, or `inside` when continuing from a --state cursor. */
  readonly align?: Align;
  /** A path or template; `-` = fragmented MP4 on `deps.stdout`; absent = the default template. */
  readonly output?: string;
  readonly force?: boolean;
  readonly skipExisting?: boolean;
  readonly mkdir?: boolean;
  readonly split?: boolean;
  /** Default true (moov first). */
  readonly faststart?: boolean;
  /** `fmp4` is used for `-o -`. Default `mp4`. */
  readonly format?: 'mp4' | 'fmp4';
  readonly gaps?: 'keep' | 'close' | 'split';
  readonly failOnGap?: boolean;
  readonly concurrency?: number;
  readonly retries?: number;
  readonly retryMaxTimeMs?: number;
  /** Fragments per second for this stream (default 250). */
  readonly fragmentRate?: number;
  /**
   * Default true. False (`--no-pacing`): no GetClip/ListFragments pacing until the first throttle, which turns the
   * quota pacing on (endpoints without KVS quotas).
   */
  readonly pacing?: boolean;
  readonly dryRun?: boolean;
  /** Default true: continue from a matching resume manifest. */
  readonly continue?: boolean;
  /** Keep spool files after a failure even when nothing is resumable. */
  readonly keepParts?: boolean;
  /** Cron mode: the state file. */
  readonly state?: string;
  /** With --state: the newest time left for the next run (default 60 s). */
  readonly settleMs?: number;
  /** `--exec 'CMD {}'`, run after the final rename. */
  readonly exec?: string;
  /** Planning limits (tests shrink them; `--max-part-bytes`). */
  readonly limits?: Partial<PlanLimits>;
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
