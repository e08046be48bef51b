import { rm } from 'node:fs/promises';
import { makeDirectories } from '../../output/make-directories.js';
import { toOutputError } from '../../output/to-output-error.js';
import { join } from 'node:path';
import { fetchParts } from '../../download/fetch-parts.js';
import { UsageError } from '../../errors/usage-error.js';
import type { TemplateFields } from '../../output/template.js';
import type { Part } from '../../plan/part.js';
import { parseS3Uri, renderS3Key } from '../../s3/s3-uri.js';
import { getClipRuntime } from '../get-clip-runtime.js';
import type { PartResult } from '../get-types.js';
import type { ObjectKey, ObjectStore } from './object-store.js';
import type { OutputTarget, PartSource, TargetPrepared, TargetRequest, TargetWritten } from './output-target.js';
import { metadataOf, objectExistsOrRefuse } from './s3-object.js';

/**
 * `--split -o s3://BUCKET/KEY-TEMPLATE`: each GetClip body becomes its own object, keyed like a local split part
 * ({index} 1-based, {start}/{end} the part's own span). A body is spooled to the scratch folder (one file per call
 * in flight, never the whole video), uploaded as it is (putFile) and deleted, so disk stays at a few clips. Every key
 * is checked before the first GetClip: an existing object is refused (exit 7) without --force, or skipped with
 * --skip-existing (or as a finished cron window), which is also how a rerun after a failure carries on.
 */
export function s3SplitObjectsTarget(request: TargetRequest, store: ObjectStore): OutputTarget {
  const destination = parseS3Uri(request.template);
  const fields: TemplateFields = {
    stream: request.stream,
    startMs: request.window.startMs,
    endMs: request.window.endMs,
    selector: request.selector,
  };
  const keyOf = (index: number, part: Part): ObjectKey => ({
    bucket: destination.bucket,
    key: renderS3Key(destination, { ...fields, startMs: part.startMs, endMs: part.endMs, index: index + 1 }),
  });
  let planned: { part: Part; index: number }[] = [];
  return {
    kind: 's3-split-objects',
    async prepare(plan): Promise<TargetPrepared> {
      planned = [];
      const seen = new Set<string>();
      for (const [index, part] of plan.parts.entries()) {
        const object = keyOf(index, part);
        refuseRepeatedKey(object.key, seen);
        if (!(await objectExistsOrRefuse(request, store, object))) planned.push({ part, index });
      }
      return { kind: 'ready', outputs: [] };
    },
    async write(source: PartSource): Promise<TargetWritten> {
      // One scratch folder per key template: the spool of the calls in flight and their upload states.
      const spoolDir = store.scratchDirFor({ bucket: destination.bucket, key: destination.keyTemplate });
      await makeDirectories(spoolDir, { mode: 0o700 }).catch((error: unknown) => {
        throw toOutputError(error, spoolDir);
      });
      try {
        return await uploadParts(request, source, store, { planned, spoolDir, keyOf });
      } finally {
        await rm(spoolDir, { recursive: true, force: true });
      }
    },
  };
}

type SplitUpload = {
  readonly planned: readonly { part: Part; index: number }[];
  readonly spoolDir: string;
  readonly keyOf: (index: number, part: Part) => ObjectKey;
};

async function uploadParts(
  request: TargetRequest,
  source: PartSource,
  store: ObjectStore,
  upload: SplitUpload,
): Promise<TargetWritten> {
  const outputs: string[] = [];
  const parts: PartResult[] = [];
  const named = new Set<string>();
  let bytes = 0;
  const fetched = await fetchParts({
    parts: upload.planned.map((entry) => entry.part),
    concurrency: source.concurrency,
    getClip: source.getClip,
    readClip: source.readClip,
    spoolPathFor: (part) => join(upload.spoolDir, `${part.startMs}-${part.endMs}.mp4`),
    replanner: source.replanner,
    consume: async (part, position) => {
      const index = upload.planned[position.index]?.index ?? position.index;
      const object = upload.keyOf(index, part.part);
      // A truncated part re-planned into several: their keys must differ too.
      refuseRepeatedKey(object.key, named);
      const stored = await store.putFile(object, part.path, metadataOf(request, [part.part]), source.context.emit);
      await rm(part.path, { force: true });
      outputs.push(stored.uri);
      bytes += part.sizeBytes;
      parts.push({
        part: { ...part.part, index },
        downloadedBytes: part.sizeBytes,
        resumed: false,
        output: stored.uri,
      });
    },
    ...getClipRuntime(source.context),
  });
  source.context.stats.retries += fetched.retries;
  const skipped = outputs.length === 0 && source.parts.length > 0;
  return { output: null, outputs, calls: fetched.calls, parts, bytes, skipped };
}

function refuseRepeatedKey(key: string, seen: Set<string>): void {
  if (seen.has(key))
    throw new UsageError('E_USAGE', `Two parts would both be written to the key "${key}"`, {
      hint: "add {index} to -o, e.g. -o 's3://bucket/cam_{index:03}.mp4' ({index} counts from 1)",
    });
  seen.add(key);
}
