import type { UploadEvent } from '../../download/events.js';
import type { PositionedSink } from '../../mp4/write/positioned-sink.js';

/**
 * What the S3 target needs from an object store (implemented over the S3 SDK in src/s3/object-store.ts and given to
 * runGet as `deps.objectStore`, so src/clip never loads the SDK). docs/s3.md describes the streaming upload.
 */
export type ObjectStore = {
  /**
   * The object as it stands (HeadObject: size, ETag, version id, its stored `x-amz-meta-sha256`; the object is not
   * read), or null when it is absent: the exists check. Throws OutputError for a missing bucket, AuthError naming the
   * action.
   */
  head(object: ObjectKey): Promise<StoredObjectInfo | null>;
  /** The local scratch folder of one object: its resume manifest, head and a few part files (not the video). */
  scratchDirFor(object: ObjectKey): string;
  /**
   * Opens the sink a progressive join writes the object through: fresh (`resumeAt` null) or at a checkpoint's
   * committed bytes. `headPath` exists (the join's `.part`); `plannedBytes` sizes the parts.
   */
  openSink(request: SinkRequest): Promise<ObjectSink>;
  /**
   * Uploads a complete local file as the object (one PutObject, or a resumable multipart upload of the file): a
   * `--split` part, whose GetClip body is the object as it is.
   */
  putFile(
    object: ObjectKey,
    file: string,
    metadata: Readonly<Record<string, string>>,
    onEvent?: (event: UploadEvent) => void,
  ): Promise<StoredObjectInfo>;
  /** Abandons what an earlier run of this object left (aborts its upload where supported, removes its files). */
  discard(object: ObjectKey, scratchDir: string): Promise<void>;
  /** Whether `error` says the server no longer knows the upload (then the object is started over). */
  isUploadGone(error: unknown): boolean;
  /**
   * Whether an earlier run completed this object's upload and was cut before storing its SHA-256 (the state in the
   * scratch folder says so, and the object is still the one it completed: docs/s3.md, "Integrity").
   */
  hasCompletedUpload(earlier: EarlierUpload): Promise<boolean>;
  /** Stores the SHA-256 of such an object (read back, then a metadata copy); null when there is none to finish. */
  finishCompleted(earlier: EarlierUpload): Promise<StoredObjectInfo | null>;
  /** Every object completed by this run, or left in place by it (`skipped`), in order (for --json). */
  readonly stored: StoredObjectInfo[];
};

export type ObjectKey = { readonly bucket: string; readonly key: string };

/** An object an earlier run uploaded through its scratch folder: the head file there, and the metadata it carries. */
export type EarlierUpload = ObjectKey & {
  readonly scratchDir: string;
  readonly headPath: string;
  readonly metadata: Readonly<Record<string, string>>;
};

export type SinkRequest = ObjectKey & {
  readonly metadata: Readonly<Record<string, string>>;
  readonly headPath: string;
  readonly scratchDir: string;
  readonly plannedBytes: number;
  readonly resumeAt: number | null;
  /** Upload progress, into the run's events (the renderer shows it beside the download). */
  readonly onEvent?: (event: UploadEvent) => void;
};

/** A join's output sink that becomes one object on `commit`. */
export type ObjectSink = PositionedSink & {
  commit(): Promise<StoredObjectInfo>;
  discard(): Promise<void>;
};

/** A completed object (the `s3` entries of --json). */
export type StoredObjectInfo = {
  readonly bucket: string;
  readonly key: string;
  readonly uri: string;
  readonly sizeBytes: number;
  readonly sha256: string | null;
  /** Whether `sha256` is also the object's `x-amz-meta-sha256` (false above CopyObject's 5 GiB, docs/s3.md). */
  readonly sha256Stored?: boolean;
  /** S3's checksum of the object: composite `…-N` for multipart; absent when the upload did not record one. */
  readonly checksumSha256?: string;
  readonly etag: string | null;
  readonly versionId: string | null;
  readonly partsSent: number;
  /**
   * The object was already there and this run left it (--skip-existing, or a cron window done earlier): the facts
   * are its HeadObject's, `sha256` its stored `x-amz-meta-sha256` (null when it has none).
   */
  readonly skipped?: boolean;
};
