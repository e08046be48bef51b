import type { OutputFormat } from '../../mp4/model.js';
import type { CliIo } from '../io.js';
import type { ErrorCode, ExitCode } from '../../errors/exit-codes.js';

/**
 * The `--json` documents: exactly one per run, written to stdout at exit, on success and on failure
 * (docs/README.md, "House rules"). This file is the schema: the README describes these types, and test/cli holds them
 * stable. Bump `schemaVersion` on any incompatible change; adding a field is compatible.
 */
export const JSON_SCHEMA_VERSION = 1;

/** An instant as written in JSON: ISO 8601 UTC with milliseconds, e.g. `2025-06-14T13:00:00.000Z`. */
export type JsonInstant = string;

export type JsonSpan = { readonly start: JsonInstant; readonly end: JsonInstant; readonly durationMs: number };

/** One planned (or downloaded) GetClip call. */
export type JsonPart = JsonSpan & {
  /** The part's number, counted from 1 (as `[part 1/N]` and `{index}` in --split names). */
  readonly index: number;
  readonly fragments: number;
  readonly bytes: number;
  /** Bytes actually received; absent in `--dry-run`. */
  readonly downloadedBytes?: number;
  /** Set when the part came from a previous run's manifest (resume) instead of the network. */
  readonly resumed?: boolean;
  /** Output file of this part with `--split`. */
  readonly output?: string;
};

export type GetJsonResult = {
  readonly command: 'get';
  readonly stream: string;
  /** The window the user asked for, resolved to UTC. */
  readonly window: JsonSpan & { readonly tz: string };
  readonly selector: 'server' | 'producer';
  /** What the fragments actually cover (`--align cover` may start before the window); null when nothing was found. */
  readonly covered: JsonSpan | null;
  readonly dryRun: boolean;
  /**
   * Final output path; `-` for stdout; null for `--dry-run`, `--split`, an empty `--state` window or a skipped file.
   */
  readonly output: string | null;
  /** `--split`: the part files, in order. */
  readonly outputs: readonly string[];
  /**
   * `--dry-run` only: what a real run would write, in order: the path (or `s3://bucket/key`) of the joined output,
   * `-` for stdout, one per part with `--split`, one per run of media with `--gaps split`. Nothing is checked.
   */
  readonly wouldWrite?: readonly string[];
  readonly skipped: boolean;
  readonly calls: number;
  readonly parts: readonly JsonPart[];
  readonly bytes: number;
  readonly fragments: number;
  readonly gaps: readonly JsonSpan[];
  readonly retries: number;
  readonly durationMs: number;
  /** With `-o s3://…`: the objects written (output/outputs then hold their s3:// URIs). */
  readonly s3?: readonly JsonS3Object[];
};

/** One object written to S3: where, how big, and how to check it. */
export type JsonS3Object = {
  readonly bucket: string;
  readonly key: string;
  readonly uri: string;
  readonly bytes: number;
  /**
   * Hex SHA-256 of the whole object, computed by this run (docs/s3.md, "Integrity"); null with --no-s3-sha256 on a
   * streamed object. For a `skipped` object: its stored `x-amz-meta-sha256`, or null when it has none.
   */
  readonly sha256: string | null;
  /** Whether `sha256` is stored as the object's `x-amz-meta-sha256` (not for streamed objects above 5 GiB). */
  readonly sha256Stored: boolean;
  /**
   * S3's own checksum (base64) where it gave one: the SHA-256 of a single PutObject, S3's full-object SHA-256 after
   * the metadata copy, or the composite `…-N` over the parts' SHA-256 (--no-s3-sha256).
   */
  readonly checksumSha256?: string;
  readonly etag: string | null;
  readonly versionId: string | null;
  /**
   * The object was already there and this run left it (--skip-existing, or a --state window done earlier): nothing
   * was uploaded; bytes, ETag and version id are the object's as HeadObject gives them (the object is not read).
   */
  readonly skipped: boolean;
};

export type ListJsonResult = {
  readonly command: 'list';
  readonly stream: string;
  readonly window: JsonSpan & { readonly tz: string };
  readonly selector: 'server' | 'producer';
  /** Continuous runs of fragments, in time order. */
  readonly spans: readonly (JsonSpan & { readonly fragments: number; readonly bytes: number })[];
  readonly gaps: readonly JsonSpan[];
  readonly fragments: number;
  readonly bytes: number;
  /** Media time covered by fragments (sum of fragment durations). */
  readonly mediaDurationMs: number;
};

/** `images --json`: every sampled instant in time order, the gap runs and the counts (docs/images.md). */
export type ImagesJsonResult = {
  readonly command: 'images';
  readonly stream: string;
  readonly window: JsonSpan & { readonly tz: string };
  readonly selector: 'server' | 'producer';
  readonly everyMs: number;
  readonly format: 'jpeg' | 'png';
  readonly images: readonly (
    | {
        readonly instant: JsonInstant;
        /** The image file, or null when the picture is only inlined in the sheet. */
        readonly file: string | null;
        readonly bytes: number;
        readonly width: number | null;
        readonly height: number | null;
      }
    | { readonly instant: JsonInstant; readonly error: 'NO_MEDIA' | 'MEDIA_ERROR' }
  )[];
  readonly gaps: readonly {
    readonly first: JsonInstant;
    readonly last: JsonInstant;
    readonly images: number;
    readonly error: 'NO_MEDIA' | 'MEDIA_ERROR';
  }[];
  readonly counts: {
    readonly sampled: number;
    readonly written: number;
    readonly noMedia: number;
    readonly mediaError: number;
  };
  readonly bytes: number;
  readonly sheet: string | null;
};

export type StreamsJsonResult = {
  readonly command: 'streams';
  readonly streams: readonly {
    readonly name: string;
    readonly arn: string;
    readonly status: string;
    readonly mediaType: string | null;
    readonly retentionHours: number;
    readonly createdAt: JsonInstant | null;
  }[];
};

export type JoinJsonResult = {
  readonly command: 'join';
  readonly inputs: readonly string[];
  /** Written files: one, or several with `--split-on-change`; `-` for stdout. */
  readonly outputs: readonly string[];
  /** `progressive` (one moov) or `fragmented` (moof per clip; always for `-o -`). */
  readonly format: OutputFormat;
  readonly faststart: boolean;
  readonly bytes: number;
  readonly durationMs: number;
  /** Seams joined (inputs − 1 per output file). */
  readonly joins: number;
  /** Gaps kept or closed between clips, in output time. */
  readonly gaps: readonly { readonly atMs: number; readonly durationMs: number }[];
  /** Codec-configuration switches carried in the output (e.g. a resolution change). */
  readonly configChanges: number;
  /** With `-o s3://…`: the object written (outputs then holds its s3:// URI). */
  readonly s3?: readonly JsonS3Object[];
};

export type InspectJsonResult = {
  readonly command: 'inspect';
  readonly file: string;
  readonly bytes: number;
  /** `moov-first`, `moov-last` or `fragmented`. */
  readonly layout: string;
  /** Longest track. */
  readonly durationMs: number;
  readonly tracks: readonly {
    readonly id: number;
    readonly kind: string;
    /** `h264`, `h265`, `aac`, `alaw`. */
    readonly codec: string;
    /** Sample entry type, e.g. `avc1`, `hvc1`, `mp4a`. */
    readonly fourcc: string;
    readonly timescale: number;
    readonly samples: number;
    readonly syncSamples: number;
    readonly durationMs: number;
    /** Distinct codec configurations (more than one after e.g. a resolution change). */
    readonly configurations: number;
    readonly width?: number;
    readonly height?: number;
    readonly sampleRate?: number;
    readonly channels?: number;
  }[];
  /** Top-level box types in file order, e.g. `["ftyp", "moov", "mdat"]`. */
  readonly boxes: readonly string[];
  /** With `--boxes`: every box, depth-first. */
  readonly boxTree?: readonly {
    readonly depth: number;
    readonly type: string;
    readonly path: string;
    readonly offset: number;
    readonly size: number;
  }[];
};

/** One archived segment of `kvs-clip archive`: its file (null when the segment was empty), what it holds. */
export type JsonArchiveSegment = JsonSpan & {
  readonly output: string | null;
  readonly fragments: number;
  readonly bytes: number;
  readonly firstFragmentNumber: string | null;
  readonly lastFragmentNumber: string | null;
  readonly gaps: readonly JsonSpan[];
  /** Finished from the pending state an earlier run left. */
  readonly resumed: boolean;
};

export type ArchiveJsonResult = {
  readonly command: 'archive';
  readonly segmentMs: number;
  readonly shard: { readonly index: number; readonly count: number } | null;
  readonly dryRun: boolean;
  readonly cycles: number;
  readonly durationMs: number;
  readonly totals: {
    readonly streams: number;
    readonly failed: number;
    readonly segments: number;
    readonly empty: number;
    readonly bytes: number;
    readonly gaps: number;
  };
  readonly streams: readonly {
    readonly stream: string;
    /** `ok`: up to date; `failed`: retried by the next cycle or run. */
    readonly status: 'ok' | 'failed';
    /** Start of the first segment not yet done. */
    readonly cursor: JsonInstant | null;
    readonly segments: readonly JsonArchiveSegment[];
    /** `--dry-run`: the segments it would archive, with their output paths. */
    readonly planned: readonly (JsonSpan & { readonly output: string })[];
    readonly error?: { readonly code: string; readonly exitCode: number; readonly message: string };
  }[];
};

/** The success payloads, one per command, discriminated by `command`. */
export type JsonResult =
  | GetJsonResult
  | ListJsonResult
  | ImagesJsonResult
  | StreamsJsonResult
  | JoinJsonResult
  | InspectJsonResult
  | ArchiveJsonResult;

export type JsonSuccess = { readonly ok: true; readonly schemaVersion: 1 } & JsonResult;

export type JsonFailure = {
  readonly ok: false;
  readonly schemaVersion: 1;
  /** The command that failed, when the command line got that far. */
  readonly command: string | null;
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly exitCode: ExitCode;
    readonly hint?: string;
  };
  /** `archive` exit 9: the run's outcome, every stream's state included. */
  readonly result?: JsonResult;
};

/** The document a `--json` run prints: a discriminated union on `ok`. */
export type JsonDocument = JsonSuccess | JsonFailure;

/** Write the single `--json` document (one line, then a newline) to stdout. Call once per run. */
export function writeJsonDocument(io: CliIo, document: JsonDocument): void {
  io.stdout.write(`${JSON.stringify(document)}\n`);
}

/** Wrap a command's result as the success document. */
export function successDocument(result: JsonResult): JsonSuccess {
  return { ok: true, schemaVersion: JSON_SCHEMA_VERSION, ...result };
}

/** Format an epoch-ms instant for JSON. */
export function jsonInstant(ms: number): JsonInstant {
  return new Date(ms).toISOString();
}

/** A span of epoch-ms instants as JSON. */
export function jsonSpan(startMs: number, endMs: number): JsonSpan {
  return { start: jsonInstant(startMs), end: jsonInstant(endMs), durationMs: endMs - startMs };
}
