import { rm, writeFile } from 'node:fs/promises';
import { makeDirectories } from '../../output/make-directories.js';
import { toOutputError } from '../../output/to-output-error.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withoutKeptParts } from '../../errors/remote-error.js';
import { OutputError } from '../../errors/output-error.js';
import type { ObjectSink } from '../../clip/targets/object-store.js';
import { joinFiles, type JoinFilesOptions, type JoinFilesSummary } from '../../mp4/write/join-clips.js';
import { createS3ObjectStore } from '../../s3/object-store.js';
import { formatS3Uri, parseS3Uri } from '../../s3/s3-uri.js';
import type { JoinOptions } from '../commands/join.js';
import type { CliIo } from '../io.js';
import type { JsonS3Object } from '../render/json.js';
import type { JoinRenderer } from '../render/join-renderer.js';
import { jsonS3Object, partBytesFromEnv, s3ClientFor } from './s3-runner-support.js';

/**
 * `kvs-clip join … -o s3://BUCKET/KEY`: the one-pass progressive join (every input planned first, moov in front)
 * written straight into a streaming multipart upload (docs/s3.md, "join"), so nothing but the head part and a few
 * part files touch local disk. The key is taken literally. An existing object is exit 7 before anything is read,
 * unless --force; completion carries If-None-Match. A failed join aborts its upload: a local join is cheap to
 * rerun, so it is not resumed. Throws MediaError, OutputError, AuthError, RemoteError like `join` and `get`.
 */
export async function joinToS3(
  options: JoinOptions,
  io: CliIo,
  layout: JoinFilesOptions,
  report: Pick<JoinRenderer, 'planned' | 'upload'>,
): Promise<{ summary: JoinFilesSummary; object: JsonS3Object }> {
  const { bucket, keyTemplate: key } = parseS3Uri(options.output);
  const uri = formatS3Uri(bucket, key);
  const client = s3ClientFor(options, io);
  try {
    const store = createS3ObjectStore({
      client,
      settings: options.s3 ?? {},
      wholeSha256: options.s3?.skipSha256 !== true,
      force: options.force,
      scratchRoot: io.env['KVS_CLIP_STAGING_DIR'] ?? join(tmpdir(), 'kvs-clip-s3'),
      ...partBytesFromEnv(io),
      signal: io.signal,
    });
    if (!options.force && (await store.exists({ bucket, key })))
      throw new OutputError('E_OUTPUT_EXISTS', `${uri} already exists`, { hint: 'Pass --force to overwrite it.' });
    const scratchDir = store.scratchDirFor({ bucket, key });
    const headPath = join(scratchDir, 'object.part');
    await makeDirectories(scratchDir, { mode: 0o700 }).catch((error: unknown) => {
      throw toOutputError(error, scratchDir);
    });
    await writeFile(headPath, '', { mode: 0o600 });
    const opened: { sink: ObjectSink | null } = { sink: null };
    const metadata = { clips: String(options.inputs.length) };
    const openSink = async (plannedBytes: number) => {
      report.planned(plannedBytes);
      opened.sink = await store.openSink({
        ...{ bucket, key, metadata, headPath, scratchDir, plannedBytes },
        resumeAt: null,
        onEvent: report.upload,
      });
      return opened.sink;
    };
    try {
      const summary = await joinFiles(options.inputs, headPath, { ...layout, sink: openSink });
      if (opened.sink === null) throw new OutputError('E_OUTPUT_WRITE', `${uri}: the join wrote nothing`);
      return { summary: { ...summary, outputs: [uri] }, object: jsonS3Object(await opened.sink.commit()) };
    } catch (error) {
      await opened.sink?.discard().catch(() => undefined);
      // The upload is aborted, not resumed: the S3 hint's "finished parts are kept" does not hold here.
      throw withoutKeptParts(error);
    } finally {
      await rm(scratchDir, { recursive: true, force: true });
    }
  } finally {
    client.destroy();
  }
}
