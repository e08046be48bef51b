import type { Gap } from '../plan/find-gaps.js';
import type { Selector } from '../plan/fragment.js';
import type { Part } from '../plan/part.js';
import type { RetryClass } from './retry-policy.js';

/**
 * What `get` reports while it runs (docs/README.md, "House rules"). The core emits these; cli/render turns them into
 * the progress bar, plain log lines or NDJSON (`--log-format json`). All instants are epoch ms (UTC); indexes are
 * 0-based and `count` is the number of parts in the current plan (it can grow when a truncated part is re-planned).
 */
export type Span = { readonly startMs: number; readonly endMs: number };

/** The plan as events and results describe it (after truncation re-plans, the parts actually fetched). */
export type PlanSummary = {
  readonly parts: readonly Part[];
  readonly gaps: readonly Gap[];
  /** First fragment start → last fragment end; null when the window holds no fragments. */
  readonly covered: Span | null;
  readonly fragments: number;
  /** Σ FragmentSizeInBytes (the progress bar's denominator; GetClip may not send Content-Length). */
  readonly bytes: number;
};

export type WindowEvent = {
  readonly type: 'window';
  readonly stream: string;
  /** The resolved window after retention clamping. */
  readonly window: Span;
  readonly selector: Selector;
  readonly tz: string;
  /** `Window 2025-06-14T13:00:00Z → 2025-06-14T14:00:00Z (1h, server timestamps, tz Europe/Berlin)`. */
  readonly message: string;
};

/**
 * A ListFragments page is about to be requested (1-based; counts again from 1 when the listing is retried): terminal
 * feedback during a long listing. Not in NDJSON logs (one per page would flood them).
 */
export type ListPageEvent = { readonly type: 'list-page'; readonly page: number };

export type PlanEvent = {
  readonly type: 'plan';
  readonly plan: PlanSummary;
  readonly dryRun: boolean;
  /** `Covered … (1800 fragments, 10 parts, ≈812 MB)`, or `No fragments in the window`. */
  readonly message: string;
};

export type PartStartEvent = {
  readonly type: 'part-start';
  readonly index: number;
  readonly count: number;
  readonly part: Part;
  /** 0 for the first attempt. */
  readonly attempt: number;
};

export type PartBytesEvent = {
  readonly type: 'part-bytes';
  readonly index: number;
  readonly count: number;
  /** Bytes of this part received so far in the current attempt. */
  readonly bytes: number;
  /** Bytes received over the whole run so far (all parts, all attempts that were kept). */
  readonly totalBytes: number;
};

export type PartDoneEvent = {
  readonly type: 'part-done';
  readonly index: number;
  readonly count: number;
  readonly part: Part;
  /** Size of the downloaded clip (MP4 bytes, not the fragment-size plan). */
  readonly bytes: number;
  /** SHA-256 of the spooled clip; absent for a part streamed straight into the output (never hashed). */
  readonly sha256?: string;
  /** Taken from a previous run (resume manifest) instead of the network. */
  readonly resumed: boolean;
  /** The service's request ID of the GetClip that fetched it (absent when resumed or not reported); for -v. */
  readonly requestId?: string;
  /** Output file of this part with `--split`. */
  readonly output?: string;
};

export type RetryEvent = {
  readonly type: 'retry';
  /** `GetClip`, `ListFragments`, `DescribeStream`, `GetDataEndpoint`. */
  readonly op: string;
  /** The part for GetClip retries. */
  readonly index?: number;
  readonly errorName: string;
  readonly errorClass: RetryClass;
  readonly retry: number;
  readonly retries: number;
  readonly delayMs: number;
  readonly refreshEndpoint: boolean;
  /** `GetClip part 3/12: ClientLimitExceededException. Retrying in 2.4 s (2/8)`. */
  readonly message: string;
};

export type GapEvent = Gap & {
  readonly type: 'gap';
  /** `Gap 2025-06-14T13:20:00Z → 2025-06-14T13:21:30Z (1m30s without fragments)`. */
  readonly message: string;
};

export type WarningEvent = {
  readonly type: 'warning';
  /** Stable identifier: `retention-clamped`, `list-fallback`, `part-truncated`, `part-bisected`, `part-relisted`,
   * `producer-state`, `resume`. */
  readonly code: string;
  readonly message: string;
};

export type SummaryEvent = {
  readonly type: 'summary';
  /** The final output path, `-` for stdout, null with --dry-run/--split/an empty state window. */
  readonly output: string | null;
  readonly outputs: readonly string[];
  readonly calls: number;
  readonly bytes: number;
  readonly fragments: number;
  readonly gaps: number;
  readonly retries: number;
  readonly durationMs: number;
  readonly message: string;
};

/**
 * Progress of an `-o s3://…` object (docs/s3.md): a part of a streamed object sent (parts arrive out of order; part 1,
 * the head, last), an upload resumed with parts recorded by an earlier run, an object complete.
 */
export type UploadEvent =
  | { readonly type: 'upload-part'; readonly uri: string; readonly partNumber: number; readonly sizeBytes: number }
  | { readonly type: 'upload-resume'; readonly uri: string; readonly recordedParts: number }
  | { readonly type: 'upload-done'; readonly uri: string; readonly sizeBytes: number };

/** Every event `runGet` emits, discriminated on `type`. */
export type GetEvent =
  | WindowEvent
  | ListPageEvent
  | PlanEvent
  | PartStartEvent
  | PartBytesEvent
  | PartDoneEvent
  | RetryEvent
  | GapEvent
  | WarningEvent
  | UploadEvent
  | SummaryEvent;

/** Where events go: the CLI's renderer, or an array in tests. Must not throw. */
export type EventSink = (event: GetEvent) => void;
