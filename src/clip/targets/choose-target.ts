import { InternalError } from '../../errors/internal-error.js';
import type { OutputOptions } from '../get-types.js';
import { fmp4StdoutTarget } from './fmp4-stdout.js';
import { gapRunsTarget } from './gap-runs.js';
import { isS3Uri } from '../../s3/s3-uri.js';
import { joinedFileTarget } from './joined-file.js';
import type { ObjectStore } from './object-store.js';
import type { JoinedTarget, OutputTarget, TargetRequest } from './output-target.js';
import { s3GapRunsTarget } from './s3-gap-runs.js';
import { s3ObjectTarget } from './s3-object.js';
import { s3SplitObjectsTarget } from './s3-split-objects.js';
import { splitFilesTarget } from './split-files.js';

/**
 * The one place that maps the output flags to an OutputTarget. A new destination adds a file under targets/ and
 * one line here; nothing downstream branches on the kind.
 */
export function chooseTarget(
  output: Pick<OutputOptions, 'path' | 'split'>,
  request: TargetRequest,
  stdout: NodeJS.WritableStream | undefined,
  objectStore?: ObjectStore,
): OutputTarget {
  if (objectStore !== undefined && isS3Uri(request.template)) return s3Target(output, request, objectStore);
  if (request.layout.gaps === 'split') return gapRunsTarget(request);
  if (output.path !== '-' && output.split) return splitFilesTarget(request);
  return chooseJoinedTarget(output, request, stdout, objectStore);
}

/**
 * The targets that write one joined output (a local file, fMP4 on stdout, one S3 object): the only ones a run
 * without ListFragments can use, since it has no parts to split (fetch-without-listing.ts).
 */
export function chooseJoinedTarget(
  output: Pick<OutputOptions, 'path'>,
  request: TargetRequest,
  stdout: NodeJS.WritableStream | undefined,
  objectStore?: ObjectStore,
): JoinedTarget {
  if (objectStore !== undefined && isS3Uri(request.template)) return s3ObjectTarget(request, objectStore);
  if (output.path === '-') {
    if (stdout === undefined) throw new InternalError('runGet was asked for -o - without deps.stdout');
    return fmp4StdoutTarget(request, stdout);
  }
  return joinedFileTarget(request);
}

/** `-o s3://…`: one object per run between gaps, per GetClip call, or one joined object. */
function s3Target(output: Pick<OutputOptions, 'split'>, request: TargetRequest, store: ObjectStore): OutputTarget {
  if (request.layout.gaps === 'split') return s3GapRunsTarget(request, store);
  if (output.split) return s3SplitObjectsTarget(request, store);
  return s3ObjectTarget(request, store);
}
