import { rm } from 'node:fs/promises';
import { assertManifestMatches, manifestPathFor, readManifest } from '../../download/manifest.js';
import type { EventSink } from '../../download/events.js';
import type { Part } from '../../plan/part.js';
import type { TimeRange } from '../../plan/fragment.js';
import { formatS3Uri } from '../../s3/s3-uri.js';
import { manifestIdentity } from './manifest-identity.js';
import type { EarlierUpload, ObjectKey, ObjectStore } from './object-store.js';
import type { TargetRequest, TargetWritten } from './output-target.js';

/**
 * A rerun of a `get` to S3 that was cut after its object was complete but before the object's SHA-256 was stored
 * (Ctrl-C or a crash during the read-back or the metadata copy; docs/s3.md, "Integrity"). The object is there and
 * correct, so the usual "already exists" (exit 7) would be wrong, and downloading it again would be waste: when the
 * scratch folder's resume manifest is this very request with every part joined, and its upload state records the
 * completion of the object still under the key, only the SHA-256 step is done, and the scratch folder removed.
 */
export type EarlierObject = ObjectKey & {
  readonly scratchDir: string;
  readonly scratchBase: string;
  readonly parts: readonly Part[];
  readonly window: TimeRange;
  readonly metadata: Readonly<Record<string, string>>;
};

/** Whether an earlier run of this request completed the object and left only its SHA-256 to store. */
export async function completedByEarlierRun(
  request: TargetRequest,
  store: ObjectStore,
  earlier: EarlierObject,
): Promise<boolean> {
  if (!request.resume) return false;
  if (!(await joinedByEarlierRun(request, earlier))) return false;
  return store.hasCompletedUpload(earlierUpload(earlier));
}

/**
 * Stores the SHA-256 of the object an earlier run completed, removes its scratch folder, and says what was written
 * (no GetClip call). Null when the object changed after the check: the caller then treats the key as usual.
 */
export async function finishEarlierUpload(
  store: ObjectStore,
  earlier: EarlierObject,
  emit: EventSink,
): Promise<TargetWritten | null> {
  const uri = formatS3Uri(earlier.bucket, earlier.key);
  emit({
    type: 'warning',
    code: 's3-finish-completed',
    message: `${uri} was completed by the interrupted run; storing its SHA-256 (nothing is downloaded again)`,
  });
  const object = await store.finishCompleted(earlierUpload(earlier));
  if (object === null) return null;
  store.stored.push(object);
  emit({ type: 'upload-done', uri, sizeBytes: object.sizeBytes });
  await rm(earlier.scratchDir, { recursive: true, force: true });
  return { output: uri, outputs: [uri], calls: 0, parts: [], bytes: object.sizeBytes };
}

function earlierUpload(earlier: EarlierObject): EarlierUpload {
  const { bucket, key, scratchDir, metadata } = earlier;
  return { bucket, key, scratchDir, metadata, headPath: `${earlier.scratchBase}.part` };
}

/** Whether the scratch folder's manifest is this request (same identity and plan) with every part joined. */
async function joinedByEarlierRun(request: TargetRequest, earlier: EarlierObject): Promise<boolean> {
  const path = manifestPathFor(earlier.scratchBase);
  try {
    const manifest = await readManifest(path, earlier.parts);
    if (manifest === null) return false;
    assertManifestMatches(manifest, { ...manifestIdentity(request), window: earlier.window }, path);
    return manifest.parts.length > 0 && manifest.committedParts === manifest.parts.length;
  } catch {
    // Another request's manifest, or one this version cannot read: not ours to finish; the usual checks decide.
    return false;
  }
}
