import { UsageError } from '../../errors/usage-error.js';
import { formatS3Uri, parseS3Uri, renderS3Key } from '../../s3/s3-uri.js';
import { throwIfCancelled } from '../../download/cancellation.js';
import { splitAtGaps, type GapRun } from '../download-gap-runs.js';
import type { PartResult } from '../get-types.js';
import type { ObjectKey, ObjectStore } from './object-store.js';
import type { OutputTarget, PartSource, TargetPrepared, TargetRequest, TargetWritten } from './output-target.js';
import { completedByEarlierRun, finishEarlierUpload, type EarlierObject } from './s3-earlier-upload.js';
import { earlierObject, metadataOf, objectExistsOrRefuse, plannedBytesOf, uploadJoinedObject } from './s3-object.js';

/**
 * `--gaps split -o s3://BUCKET/KEY-TEMPLATE`: one joined object per continuous run of media, each streamed and
 * resumable exactly like a joined `get` to S3 (s3-object.ts, docs/s3.md), keyed like the local run files ({index}
 * 1-based, {start}/{end} the run's span). Every key is checked before the first GetClip (exit 7 without --force;
 * --skip-existing leaves runs already uploaded, which is how a rerun finishes an interrupted one).
 */
export function s3GapRunsTarget(request: TargetRequest, store: ObjectStore): OutputTarget {
  const destination = parseS3Uri(request.template);
  const { stream, window, selector } = request;
  let runs: { run: GapRun; object: ObjectKey; skip: boolean; earlier: EarlierObject | null }[] = [];
  return {
    kind: 's3-gap-runs',
    async prepare(plan): Promise<TargetPrepared> {
      runs = [];
      for (const [index, run] of splitAtGaps(plan.parts, plan.gaps, window).entries()) {
        const fields = { stream, selector, startMs: run.range.startMs, endMs: run.range.endMs, index: index + 1 };
        const object = { bucket: destination.bucket, key: renderS3Key(destination, fields) };
        if (runs.some((known) => known.object.key === object.key))
          throw new UsageError('E_USAGE', `--gaps split: two runs of media would both be written to "${object.key}"`, {
            hint: "Add {index} to -o, e.g. -o 's3://bucket/cam_{index:02}.mp4'",
          });
        const candidate = earlierObject(store, object, run.parts, run.range, metadataOf(request, run.parts));
        const earlier = (await completedByEarlierRun(request, store, candidate)) ? candidate : null;
        const skip = earlier === null && (await objectExistsOrRefuse(request, store, object));
        runs.push({ run, object, skip, earlier });
      }
      return { kind: 'ready', outputs: [] };
    },
    async write(source: PartSource): Promise<TargetWritten> {
      const outputs: string[] = [];
      const parts: PartResult[] = [];
      let calls = 0;
      let bytes = 0;
      for (const { run, object, skip, earlier } of runs) {
        throwIfCancelled(source.context.signal);
        const uri = formatS3Uri(object.bucket, object.key);
        outputs.push(uri);
        if (skip) continue;
        if (earlier !== null) {
          const finished = await finishEarlierUpload(store, earlier, source.context.emit);
          bytes += finished?.bytes ?? 0;
          // The object changed after the check: the exists check decides, as it would have.
          if (finished !== null || (await objectExistsOrRefuse(request, store, object))) continue;
        }
        const done = await uploadJoinedObject(request, source, store, {
          object,
          parts: run.parts,
          window: run.range,
          layout: { ...request.layout, gaps: 'keep' },
          metadata: metadataOf(request, run.parts),
          plannedBytes: plannedBytesOf(run.parts),
        });
        calls += done.calls;
        bytes += done.outputBytes;
        parts.push(...done.parts.map((entry) => ({ ...entry, output: uri })));
      }
      const output = outputs.length === 1 ? (outputs[0] ?? null) : null;
      const skipped = runs.every((entry) => entry.skip);
      return { output, outputs, skipped, calls, parts, bytes };
    },
  };
}
