import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InternalError } from '../../errors/internal-error.js';
import { OutputError } from '../../errors/output-error.js';
import type { PreparedOutput } from '../../output/atomic-file.js';
import type { TimeRange } from '../../plan/fragment.js';
import type { Part } from '../../plan/part.js';
import type { Plan } from '../../plan/plan-parts.js';
import { formatS3Uri, parseS3Uri, renderS3Key } from '../../s3/s3-uri.js';
import type { DownloadAndJoinResult } from '../download-and-join.js';
import type { JoinLayout } from '../join-port.js';
import { openMp4Joiner } from '../open-joiner.js';
import { manifestIdentity } from './manifest-identity.js';
import { completedByEarlierRun, finishEarlierUpload, type EarlierObject } from './s3-earlier-upload.js';
import type { ObjectKey, ObjectSink, ObjectStore } from './object-store.js';
import type { JoinedTarget, JoinSource, TargetPrepared, TargetRequest, TargetWritten } from './output-target.js';

/**
 * `-o s3://BUCKET/KEY-TEMPLATE`: one progressive MP4 object, uploaded while it is joined (docs/s3.md). The join is
 * the usual resumable one (manifest, spool, journal in a scratch folder of constant size); its bytes go through the
 * store's sink instead of a local file, and "commit" completes the object. An existing object is refused (exit 7)
 * before anything is downloaded; a server that lost the upload (NoSuchUpload) makes the object start over once.
 */
export function s3ObjectTarget(request: TargetRequest, store: ObjectStore): JoinedTarget {
  const destination = parseS3Uri(request.template);
  const { stream, window, selector } = request;
  const object: ObjectKey = {
    bucket: destination.bucket,
    key: renderS3Key(destination, { stream, startMs: window.startMs, endMs: window.endMs, selector }),
  };
  const uri = formatS3Uri(object.bucket, object.key);
  let metadata: Record<string, string> = {};
  let plannedBytes = 0;
  let earlier: EarlierObject | null = null;
  return {
    kind: 's3-object',
    async prepare(plan: Plan): Promise<TargetPrepared> {
      metadata = metadataOf(request, plan.parts);
      plannedBytes = plannedBytesOf(plan.parts);
      const candidate = earlierObject(store, object, plan.parts, request.window, metadata);
      earlier = (await completedByEarlierRun(request, store, candidate)) ? candidate : null;
      if (earlier === null && (await objectExistsOrRefuse(request, store, object)))
        return { kind: 'skip', outputs: [uri] };
      return { kind: 'ready', outputs: [uri], pendingOutput: uri };
    },
    async write(source: JoinSource): Promise<TargetWritten> {
      const upload = {
        object,
        metadata,
        plannedBytes,
        parts: source.plan.parts,
        window: request.window,
        layout: request.layout,
      };
      if (earlier !== null) {
        const finished = await finishEarlierUpload(store, earlier, source.context.emit);
        if (finished !== null) return finished;
        // The object changed after the check: the exists check decides, as it would have.
        if (await objectExistsOrRefuse(request, store, object))
          return { output: uri, outputs: [uri], calls: 0, parts: [], bytes: 0, skipped: true };
      }
      const done = await uploadJoinedObject(request, source, store, upload);
      return { output: uri, outputs: [uri], calls: done.calls, parts: done.parts, bytes: done.outputBytes };
    },
  };
}

/** The scratch folder of `object` as an earlier run of these parts would have left it. */
export function earlierObject(
  store: ObjectStore,
  object: ObjectKey,
  parts: readonly Part[],
  window: TimeRange,
  metadata: Readonly<Record<string, string>>,
): EarlierObject {
  const scratchDir = store.scratchDirFor(object);
  return { ...object, scratchDir, scratchBase: objectScratchBase(scratchDir), parts, window, metadata };
}

/**
 * The exists check before the first GetClip: false when the object is absent (or --force); true when it is there
 * and to be left (--skip-existing, or a cron window finished earlier), listed in `store.stored` as skipped with its
 * HeadObject facts (the `s3` entries of --json); else OutputError E_OUTPUT_EXISTS (exit 7).
 */
export async function objectExistsOrRefuse(
  request: TargetRequest,
  store: ObjectStore,
  object: ObjectKey,
): Promise<boolean> {
  if (request.force) return false;
  const existing = await store.head(object);
  if (existing === null) return false;
  if (request.skipExisting || request.existingIsDone) {
    store.stored.push({ ...existing, skipped: true });
    return true;
  }
  throw new OutputError('E_OUTPUT_EXISTS', `${formatS3Uri(object.bucket, object.key)} already exists`, {
    hint: 'Pass --force to overwrite it, or --skip-existing to leave it.',
  });
}

/** One joined object: which parts, the window its resume manifest names, its key and metadata. */
export type JoinedObject = {
  readonly object: ObjectKey;
  readonly parts: readonly Part[];
  readonly window: TimeRange;
  /** How the parts are joined (`--gaps split` joins each run with gaps kept; its manifest still says split). */
  readonly layout: JoinLayout;
  readonly metadata: Record<string, string>;
  readonly plannedBytes: number;
};

/**
 * Downloads `upload.parts`, joins them and streams the join into the object (resumable, docs/s3.md); a server that
 * lost the upload (NoSuchUpload) makes the object start over once. Removes the object's scratch folder when done.
 */
export async function uploadJoinedObject(
  request: TargetRequest,
  source: JoinSource,
  store: ObjectStore,
  upload: JoinedObject,
): Promise<DownloadAndJoinResult> {
  const scratchDir = store.scratchDirFor(upload.object);
  const run = { ...upload, scratchDir };
  let done: DownloadAndJoinResult;
  try {
    done = await uploadJoin(request, source, store, { ...run, resume: request.resume });
  } catch (error) {
    if (!store.isUploadGone(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    source.context.emit({ type: 'warning', code: 's3-upload-gone', message: `${message}; starting it over` });
    done = await uploadJoin(request, source, store, { ...run, resume: false });
  }
  await rm(scratchDir, { recursive: true, force: true });
  return done;
}

/**
 * Bytes of the head GetClip body held in memory ahead of the joiner (a local file's get holds up to 16 MiB). The sink
 * takes bytes only as fast as parts go up (it waits for a free part slot), so a larger hold would only fill with
 * bytes waiting for S3; at this cap the socket is pushed back on instead (docs/s3.md, "Memory", under "Streaming upload").
 */
const HEAD_BODY_MEMORY_BYTES = 4 * 1024 * 1024;

/** Base name of an object's head (`.part`) and resume manifest (`.kvsclip.json`) in its scratch folder. */
export function objectScratchBase(scratchDir: string): string {
  return join(scratchDir, 'object');
}

type Upload = JoinedObject & { readonly scratchDir: string; readonly resume: boolean };

/** downloadAndJoin with the object's sink as the joiner's output; the head file stands in for the `.part`. */
async function uploadJoin(
  request: TargetRequest,
  source: JoinSource,
  store: ObjectStore,
  upload: Upload,
): Promise<DownloadAndJoinResult> {
  const scratchBase = objectScratchBase(upload.scratchDir);
  const headPath = `${scratchBase}.part`;
  let sink: ObjectSink | null = null;
  const prepared: PreparedOutput = {
    // downloadAndJoin gives the committed file a plain mode: here that is the head file, removed afterwards.
    finalPath: headPath,
    partPath: headPath,
    scratchBase,
    commit: async () => {
      if (sink === null) throw new InternalError('S3 upload committed before its sink was opened');
      store.stored.push(await sink.commit());
    },
    discard: async () => {
      if (sink !== null) await sink.discard();
      else await store.discard(upload.object, upload.scratchDir);
      await rm(headPath, { force: true });
    },
  };
  const openSink = async (resumeAt: number | null) => {
    // A write-once rollback to before the first checkpoint starts the object over: the upload the failed attempt
    // began (parts past the head may be sent already) is aborted rather than left to the lifecycle rule.
    if (resumeAt === null && sink !== null) await sink.discard();
    sink = await store.openSink({ ...upload.object, ...upload, headPath, resumeAt, onEvent: source.context.emit });
    return sink;
  };
  return source.joinInto({
    parts: upload.parts,
    identity: { ...manifestIdentity(request), window: upload.window },
    layout: upload.layout,
    target: { kind: 'file', prepared },
    resume: upload.resume,
    keepParts: request.keepParts,
    openJoiner: (options) => openMp4Joiner({ ...options, sink: openSink }),
    // The head part streams into the sink as it arrives; a body failing midway closes the sink (its upload state
    // kept) and reopens it at the last checkpoint, as a resumed run would (docs/s3.md, "Resume").
    writeOnce: true,
    headBodyMemoryBytes: HEAD_BODY_MEMORY_BYTES,
  });
}

/** An object's metadata (x-amz-meta-*): stream, selector, the parts' planned start and end, fragment count. */
export function metadataOf(request: TargetRequest, parts: readonly Part[]): Record<string, string> {
  const first = parts[0];
  const last = parts[parts.length - 1];
  const startMs = first?.startMs ?? request.window.startMs;
  const endMs = last?.endMs ?? request.window.endMs;
  return {
    stream: request.stream,
    selector: request.selector,
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    fragments: String(parts.reduce((sum, part) => sum + part.fragmentCount, 0)),
  };
}

/** The bytes the parts' fragments add up to (the object is somewhat larger: container overhead, moov). */
export function plannedBytesOf(parts: readonly Part[]): number {
  return parts.reduce((sum, part) => sum + part.sizeBytes, 0);
}
