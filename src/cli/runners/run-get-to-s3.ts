import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { makeDirectories } from '../../output/make-directories.js';
import { toOutputError } from '../../output/to-output-error.js';
import type { GetJsonResult } from '../render/json.js';
import { createS3ObjectStore } from '../../s3/object-store.js';
import { formatS3Uri, parseS3Uri, renderS3Key } from '../../s3/s3-uri.js';
import type { GetOptions } from '../commands/get.js';
import type { CliIo } from '../io.js';
import { runGetCommand } from './run-get-command.js';
import {
  jsonS3Object,
  loadRemoteState,
  partBytesFromEnv,
  remoteState,
  s3ClientFor,
  saveRemoteState,
  withLocalState,
} from './s3-runner-support.js';

/**
 * `kvs-clip get … -o s3://BUCKET/KEY-TEMPLATE`. The ordinary `get` runs with an object store as its destination
 * (docs/s3.md): a joined object (one, or one per run with `--gaps split`) is uploaded while it is joined and a rerun
 * resumes it; with `--split` each GetClip body is uploaded as its own object as soon as it is checked. With `--state s3://…` the state
 * object is copied to a local working file first and written back only after the objects are complete. Throws what
 * runGet throws (exit codes of src/errors).
 */
export async function runGetToS3(options: GetOptions, io: CliIo): Promise<GetJsonResult> {
  const scratchRoot = io.env['KVS_CLIP_STAGING_DIR'] ?? join(tmpdir(), 'kvs-clip-s3');
  const client = s3ClientFor(options, io);
  try {
    const store = createS3ObjectStore({
      client,
      settings: options.s3 ?? {},
      wholeSha256: options.s3?.skipSha256 !== true,
      force: options.output.force,
      scratchRoot,
      ...partBytesFromEnv(io),
      signal: io.signal,
    });
    const state = remoteState(options, join(scratchRoot, `state-${digest(options.cron?.state ?? '')}`));
    if (state !== null) {
      const stateDir = join(state.localPath, '..');
      await makeDirectories(stateDir).catch((error: unknown) => {
        throw toOutputError(error, stateDir);
      });
      await loadRemoteState(client, state, io);
    }
    let json: GetJsonResult;
    try {
      json = await runGetCommand(withLocalState(options, state), io, { objectStore: store });
    } catch (error) {
      // The working copy is only ever committed in a consistent state (a pending window, or a written object with
      // its owed --exec): a fresh container has nothing else, so it goes up on failure too (docs/s3.md).
      await saveRemoteState(client, state, io).catch(() => undefined);
      throw error;
    }
    // The cron state goes up only now that the object is complete (exactly once across fresh containers).
    await saveRemoteState(client, state, io);
    if (json.dryRun && !options.mode.quiet && !options.mode.json)
      io.stderr.write(`Would write ${dryRunUri(options, json)}\n`);
    return { ...json, s3: store.stored.map(jsonS3Object) };
  } finally {
    client.destroy();
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 20);
}

function dryRunUri(options: GetOptions, json: GetJsonResult): string {
  // Split outputs are many objects, each named from its own span (and {index}): the template says which.
  if (options.output.split) return `one object per part, named by "${options.output.path ?? ''}"`;
  if (options.output.gaps === 'split') return `one object per run of media, named by "${options.output.path ?? ''}"`;
  const destination = parseS3Uri(options.output.path ?? '');
  const fields = {
    stream: json.stream,
    startMs: Date.parse(json.window.start),
    endMs: Date.parse(json.window.end),
    selector: json.selector,
  };
  return formatS3Uri(destination.bucket, renderS3Key(destination, fields));
}
