import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { finishCompletedUpload, hasCompletedUpload } from './finish-completed.js';
import { MultipartSession, UploadGoneError, type StoredObject } from './multipart-session.js';
import type { S3ObjectSettings } from './object-headers.js';
import { choosePartBytes } from './plan-upload-parts.js';
import { StreamingSink, type StreamEvent } from './streaming-sink.js';
import { headObject, objectExists, uploadFile } from './upload-file.js';

/** How `-o s3://…` objects are written: the --s3-* settings, --force, and where scratch folders go. */
export type ObjectStoreOptions = {
  readonly client: S3Client;
  readonly settings: S3ObjectSettings;
  readonly force: boolean;
  /** Scratch folders of objects being uploaded (one per object: manifest, head, a few parts). */
  readonly scratchRoot: string;
  /** Tests shrink parts to get many from a short video; S3's 5 MiB minimum still applies. */
  readonly preferredPartBytes?: number;
  readonly concurrency?: number;
  /** Compute every streamed object's SHA-256 and store it as metadata (default true; docs/s3.md, "Integrity"). */
  readonly wholeSha256?: boolean;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: StreamEvent) => void;
};

type ObjectKey = { readonly bucket: string; readonly key: string };
type EarlierUpload = ObjectKey & {
  readonly scratchDir: string;
  readonly headPath: string;
  readonly metadata: Readonly<Record<string, string>>;
};

/** Default part size of a streaming upload: memory is about (concurrency + 1) parts. */
const STREAM_PART_BYTES = 8 * 1024 * 1024;

/**
 * The object store runGet's S3 target writes through (the port is src/clip/targets/object-store.ts): HeadObject for
 * the exists check, a streaming multipart sink per object (streaming-sink.ts), and the scratch folder per object
 * under `scratchRoot`, named after the bucket and key so a rerun of the same command finds it again.
 */
export function createS3ObjectStore(options: ObjectStoreOptions) {
  const stored: StoredObject[] = [];
  const statePath = (scratchDir: string) => join(scratchDir, 'upload.json');
  const session = (object: ObjectKey, scratchDir: string, metadata: Readonly<Record<string, string>>) => ({
    client: options.client,
    ...object,
    metadata,
    settings: options.settings,
    force: options.force,
    statePath: statePath(scratchDir),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const finishRequest = (earlier: EarlierUpload) => ({
    client: options.client,
    target: { bucket: earlier.bucket, key: earlier.key, metadata: earlier.metadata, settings: options.settings },
    statePath: statePath(earlier.scratchDir),
    headPath: earlier.headPath,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return {
    stored,
    exists: (object: ObjectKey) => objectExists(options.client, object, options.signal),
    async head(object: ObjectKey): Promise<StoredObject | null> {
      const found = await headObject(options.client, object, options.signal);
      return found === null ? null : { ...found, partsSent: 0 };
    },
    scratchDirFor: (object: ObjectKey) =>
      join(
        options.scratchRoot,
        createHash('sha256').update(`${object.bucket}/${object.key}`).digest('hex').slice(0, 20),
      ),
    async openSink(request: ObjectKey & SinkFacts) {
      // A margin over the plan: GetClip bodies are not exactly the fragment sizes, and moov comes on top.
      const planned = Math.ceil(request.plannedBytes * 1.25) + 64 * 1024 * 1024;
      const partBytes = choosePartBytes(planned, { preferredBytes: options.preferredPartBytes ?? STREAM_PART_BYTES });
      return StreamingSink.open(
        {
          ...session(request, request.scratchDir, request.metadata),
          headPath: request.headPath,
          scratchDir: request.scratchDir,
          partBytes,
          ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
          ...eventsFor(request.onEvent ?? options.onEvent),
          ...(options.wholeSha256 === undefined ? {} : { wholeSha256: options.wholeSha256 }),
        },
        request.resumeAt,
      );
    },
    async discard(object: ObjectKey, scratchDir: string) {
      const saved = await readFile(statePath(scratchDir), 'utf8').catch(() => null);
      if (saved !== null) {
        const partBytes = (JSON.parse(saved) as { partBytes?: number }).partBytes ?? 0;
        await (await MultipartSession.open(session(object, scratchDir, {}), partBytes, false)).abort();
      }
      await rm(statePath(scratchDir), { force: true });
    },
    isUploadGone: (error: unknown) => error instanceof UploadGoneError,
    hasCompletedUpload: (earlier: EarlierUpload) => hasCompletedUpload(finishRequest(earlier)),
    finishCompleted: (earlier: EarlierUpload) => finishCompletedUpload(finishRequest(earlier)),
    async putFile(
      object: ObjectKey,
      file: string,
      metadata: Readonly<Record<string, string>>,
      onEvent?: (event: StreamEvent) => void,
    ) {
      const uploaded = await uploadFile(options.client, {
        file,
        ...object,
        statePath: `${file}.s3upload.json`,
        force: options.force,
        metadata,
        settings: options.settings,
        ...(options.preferredPartBytes === undefined ? {} : { preferredPartBytes: options.preferredPartBytes }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      const done: StoredObject = {
        bucket: uploaded.bucket,
        key: uploaded.key,
        uri: uploaded.uri,
        sizeBytes: uploaded.sizeBytes,
        sha256: uploaded.sha256,
        etag: uploaded.etag ?? null,
        versionId: uploaded.versionId ?? null,
        partsSent: uploaded.partsSent,
      };
      stored.push(done);
      (onEvent ?? options.onEvent)?.({ type: 'upload-done', uri: done.uri, sizeBytes: done.sizeBytes });
      return done;
    },
  };
}

type SinkFacts = {
  readonly metadata: Readonly<Record<string, string>>;
  readonly headPath: string;
  readonly scratchDir: string;
  readonly plannedBytes: number;
  readonly resumeAt: number | null;
  readonly onEvent?: (event: StreamEvent) => void;
};

const eventsFor = (onEvent: ((event: StreamEvent) => void) | undefined) => (onEvent === undefined ? {} : { onEvent });
