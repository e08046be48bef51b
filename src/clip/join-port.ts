import type { FetchedPart } from '../download/fetch-parts.js';
import type { Clip, OutputFormat } from '../mp4/model.js';
import type { TimeRange } from '../plan/fragment.js';
import type { GapMode } from './get-types.js';
import type { OpenPositionedSink } from '../mp4/write/positioned-sink.js';

/** Output layout settings of a join: they change the bytes, so a resume manifest records them. */
export type JoinLayout = {
  /** `progressive`: one moov for the whole file; `fragmented`: moof per part (always for stdout). */
  readonly format: OutputFormat;
  readonly faststart: boolean;
  readonly gaps: GapMode;
};

/**
 * One GetClip time window's clip, fetched without a fragment list (ListFragments denied): joined after the previous
 * one by media duration, since no fragment timestamp anchors it.
 */
export type WindowClip = { readonly window: TimeRange; readonly path: string; readonly clip: Clip };

/** The joiner as runGet drives it: parts strictly in order, a checkpoint after each, then finish or abort. */
export type JoinerPort = {
  /**
   * Appends one downloaded part (or one time window's clip); resolves with the checkpoint (JSON-serialisable) to
   * store for resume.
   */
  append(fetched: FetchedPart | WindowClip, options?: { readonly durable?: boolean }): Promise<unknown>;
  /**
   * Makes the parts appended with `durable: false` durable; their checkpoints may be stored once it resolves. Only
   * a joiner that can defer it has it (a local progressive file, docs/pipeline.md, "Write once").
   */
  sync?(): Promise<void>;
  /** Writes the tail (moov, faststart pass); resolves with the output size in bytes. */
  finish(): Promise<{ bytes: number }>;
  /** Stops writing; the partial output stays for resume. */
  abort(): Promise<void>;
};

/**
 * Opens a joiner on `output` (a `.part` path, or a stream for `-o -`), resuming from `resume` when given.
 * `expectedDurationMs` (the planned media span) lets a faststart file reserve room for its moov in front, so the
 * finish writes it in place instead of copying the whole file once more; it does not change the media bytes.
 */
export type OpenJoiner = (
  options: JoinLayout & {
    output: string | NodeJS.WritableStream;
    resume: unknown;
    expectedDurationMs?: number;
    /** With a `.part` path: send the progressive output through this sink instead of the file (docs/s3.md). */
    sink?: OpenPositionedSink;
  },
) => Promise<JoinerPort>;
