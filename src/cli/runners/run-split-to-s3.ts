import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { GetResult } from '../../clip/get-types.js';
import { runHook } from '../../clip/run-hook.js';
import { runGet } from '../../clip/run-get.js';
import { OutputError } from '../../errors/output-error.js';
import { createKvsSession } from '../../kvs/kvs-session.js';
import { templateHasField } from '../../output/template.js';
import { writeFileAtomic } from '../../output/write-file-atomic.js';
import type { UploadClient as S3Client } from '../../s3/s3-client.js';
import { formatS3Uri, parseS3Uri, renderS3Key, type S3Destination } from '../../s3/s3-uri.js';
import { objectExists, uploadFile, type UploadEvent } from '../../s3/upload-file.js';
import type { GetOptions } from '../commands/get.js';
import type { CliIo } from '../io.js';
import { createGetRenderer } from '../render/human.js';
import { jsonInstant, type GetJsonResult, type JsonS3Object } from '../render/json.js';
import { openKvsClients } from './open-kvs-clients.js';
import {
  loadRemoteState,
  partBytesFromEnv,
  remoteState,
  s3ClientFor,
  saveRemoteState,
  withLocalState,
} from './s3-runner-support.js';
import { toJsonResult, toRunGetOptions } from './run-get-command.js';

// `get --split -o s3://…` and `get --gaps split -o s3://…` (docs/s3.md, "Split outputs"): the files are written
// into a staging directory named after the command, then uploaded one by one with resumable state, then removed. A
// rerun of the same command finds the staged files and their upload state and sends only missing parts. (A joined
// object streams instead: run-get-to-s3.ts.)

/** One staged file waiting for its upload, with the metadata the object gets. */
type PendingObject = { readonly path: string; readonly key: string; readonly metadata: Record<string, string> };
/** Written after the download finished, removed once every object is complete. */
type PendingRecord = { readonly version: 1; readonly objects: PendingObject[]; readonly result: GetJsonResult };

const PENDING = 'pending-upload.json';

/** The staging directory of a command: the same command (stream, window flags, template, state) maps to the same. */
function stagingDirectory(options: GetOptions, io: CliIo): string {
  // The same values, spellings and order as before the options were grouped, so a staged upload is found again.
  const { align: _align, ...time } = options.time;
  const { output } = options;
  const identity = JSON.stringify([
    options.stream,
    options.streamArn,
    output.path,
    time,
    options.cron?.state,
    output.split,
    output.gaps,
    output.format === 'fragmented' ? 'fmp4' : 'mp4',
    output.faststart,
  ]);
  const digest = createHash('sha256').update(identity).digest('hex').slice(0, 20);
  return join(io.env['KVS_CLIP_STAGING_DIR'] ?? join(tmpdir(), 'kvs-clip-s3'), digest);
}

async function readPending(staging: string): Promise<PendingRecord | null> {
  try {
    return JSON.parse(await readFile(join(staging, PENDING), 'utf8')) as PendingRecord;
  } catch {
    return null; // none (or unreadable): nothing is waiting
  }
}

function keyOf(staging: string, path: string): string {
  return relative(staging, path).split(sep).join('/');
}

function metadataOf(result: GetResult, path: string): Record<string, string> {
  const part = result.parts.find((candidate) => candidate.output === path)?.part;
  const span = part === undefined ? (result.covered ?? result.window) : { startMs: part.startMs, endMs: part.endMs };
  return {
    stream: result.stream,
    selector: result.selector,
    start: jsonInstant(span.startMs),
    end: jsonInstant(span.endMs),
    fragments: String(part === undefined ? result.fragments : part.fragmentCount),
  };
}

function uploadLogger(options: GetOptions, io: CliIo): (event: UploadEvent) => void {
  if (options.logFormat === 'json')
    return (event) => io.stderr.write(`${JSON.stringify({ time: jsonInstant(io.now()), ...event })}\n`);
  if (options.mode.quiet || options.mode.json) return () => undefined;
  const startedMs = io.now();
  return (event) => {
    const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    if (event.type === 'upload-start')
      io.stderr.write(
        `upload ${event.uri}: ${mib(event.sizeBytes)}${event.resumedParts > 0 ? `, ${event.resumedParts} parts already uploaded` : ''}\n`,
      );
    else if (event.type === 'upload-part') {
      const rate = event.uploadedBytes / Math.max(1, (io.now() - startedMs) / 1000);
      io.stderr.write(
        `upload part ${event.partNumber}: ${mib(event.uploadedBytes)} of ${mib(event.totalBytes)} (${mib(rate)}/s)\n`,
      );
    } else if (event.type === 'upload-restart') io.stderr.write(`${event.reason}\n`);
  };
}

/** Uploads every staged object of a pending record (skipping existing ones where allowed), then clears staging. */
async function uploadPending(
  record: PendingRecord,
  context: { options: GetOptions; io: CliIo; client: S3Client; bucket: string; staging: string },
): Promise<JsonS3Object[]> {
  const { options, io, client, bucket } = context;
  const onEvent = uploadLogger(options, io);
  const objects: JsonS3Object[] = [];
  for (const pending of record.objects) {
    const uri = formatS3Uri(bucket, pending.key);
    if (!options.output.force && (await objectExists(client, { bucket, key: pending.key }, io.signal))) {
      // Under --state an object already in place is a finished earlier run, as for local files.
      if (!options.output.skipExisting && options.cron === undefined)
        throw new OutputError('E_OUTPUT_EXISTS', `${uri} already exists`, {
          hint: 'Pass --force to overwrite it, or --skip-existing to leave it.',
        });
      objects.push({ bucket, key: pending.key, uri, bytes: 0, sha256: '', etag: null, versionId: null, skipped: true });
      continue;
    }
    const object = await uploadFile(client, {
      file: pending.path,
      bucket,
      key: pending.key,
      statePath: `${pending.path}.s3upload.json`,
      force: options.output.force,
      metadata: pending.metadata,
      settings: options.s3 ?? {},
      ...partBytesFromEnv(io),
      signal: io.signal,
      onEvent,
    });
    objects.push({
      bucket,
      key: object.key,
      uri: object.uri,
      bytes: object.sizeBytes,
      sha256: object.sha256,
      etag: object.etag ?? null,
      versionId: object.versionId ?? null,
      skipped: false,
    });
  }
  return objects;
}

/** Refuses an existing object before any download when its key does not depend on the (clamped) window. */
async function checkFixedKeyEarly(
  destination: S3Destination,
  options: GetOptions,
  client: S3Client,
  io: CliIo,
): Promise<void> {
  const { output } = options;
  if (output.force || output.skipExisting || output.split || output.gaps === 'split' || options.download.dryRun) return;
  if ((['start', 'end', 'date', 'selector'] as const).some((field) => templateHasField(destination.keyTemplate, field)))
    return;
  const key = renderS3Key(destination, { stream: options.stream, startMs: 0, endMs: 0 });
  if (await objectExists(client, { bucket: destination.bucket, key }, io.signal))
    throw new OutputError('E_OUTPUT_EXISTS', `${formatS3Uri(destination.bucket, key)} already exists`, {
      hint: 'Pass --force to overwrite it, or --skip-existing to leave it.',
    });
}

async function downloadToStaging(options: GetOptions, io: CliIo, staging: string): Promise<GetResult> {
  const connection = await openKvsClients(options.aws, io);
  const renderer = createGetRenderer(io, options.mode, { logFormat: options.logFormat });
  const runOptions = toRunGetOptions(options);
  const destination = parseS3Uri(options.output.path ?? '');
  const output = { ...runOptions.output, path: join(staging, destination.keyTemplate), mkdir: true, force: true };
  try {
    return await runGet(
      { ...runOptions, output: { ...output, skipExisting: false }, postSteps: {} },
      {
        nowMs: () => io.now(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        random: Math.random,
        openSession: (sessionOptions) => createKvsSession(connection.clients, sessionOptions),
        cwd: process.cwd(),
        emit: (event) => renderer.emit(event),
        signal: io.signal,
        stdout: io.stdout,
      },
    );
  } finally {
    renderer.close();
    await connection.close();
  }
}

function withUris(json: GetJsonResult, staging: string, bucket: string): GetJsonResult {
  const uri = (path: string | null | undefined) =>
    path === null || path === undefined ? path : formatS3Uri(bucket, keyOf(staging, path));
  return {
    ...json,
    output: uri(json.output) ?? null,
    outputs: json.outputs.map((path) => formatS3Uri(bucket, keyOf(staging, path))),
    parts: json.parts.map((part) =>
      part.output === undefined ? part : { ...part, output: formatS3Uri(bucket, keyOf(staging, part.output)) },
    ),
  };
}

/**
 * `kvs-clip get --split|--gaps split … -o s3://BUCKET/KEY-TEMPLATE`: finish an upload a previous run of the same command left, or
 * download into staging, record the pending upload, upload each object (resumable), then run --exec with the
 * s3:// URI. Prints the URIs (or the --json result with an `s3` list). Throws what runGet and uploadFile throw.
 */
export async function runSplitToS3(options: GetOptions, io: CliIo): Promise<GetJsonResult> {
  const destination = parseS3Uri(options.output.path ?? '');
  const staging = stagingDirectory(options, io);
  const client = s3ClientFor(options, io);
  try {
    const context = { options, io, client, bucket: destination.bucket, staging };
    const state = remoteState(options, staging);
    const leftover = await readPending(staging);
    if (leftover !== null) {
      if (!options.mode.quiet && !options.mode.json)
        io.stderr.write('Finishing the upload an earlier run of this command left\n');
      const objects = await uploadPending(leftover, context);
      await saveRemoteState(client, state, io);
      await rm(staging, { recursive: true, force: true });
      return finish({ ...leftover.result, s3: objects }, options, io);
    }
    await checkFixedKeyEarly(destination, options, client, io);
    await mkdir(staging, { recursive: true });
    await loadRemoteState(client, state, io);
    const result = await downloadToStaging(withLocalState(options, state), io, staging);
    if (result.dryRun) {
      if (!options.mode.quiet && !options.mode.json && !options.output.split)
        io.stderr.write(
          `Would write ${formatS3Uri(destination.bucket, renderS3Key(destination, { stream: result.stream, startMs: result.window.startMs, endMs: result.window.endMs, selector: result.selector }))}\n`,
        );
      await rm(staging, { recursive: true, force: true });
      return finish(toJsonResult(result), options, io);
    }
    const paths = result.output === null ? result.outputs : [result.output];
    const record: PendingRecord = {
      version: 1,
      objects: paths.map((path) => ({ path, key: keyOf(staging, path), metadata: metadataOf(result, path) })),
      result: withUris(toJsonResult(result), staging, destination.bucket),
    };
    await writeFileAtomic(join(staging, PENDING), `${JSON.stringify(record)}\n`);
    const objects = await uploadPending(record, context);
    // The cron state goes up only now that every object is complete (exactly once across fresh containers).
    await saveRemoteState(client, state, io);
    await rm(staging, { recursive: true, force: true });
    return finish({ ...record.result, s3: objects }, options, io);
  } finally {
    client.destroy();
  }
}

async function finish(json: GetJsonResult, options: GetOptions, io: CliIo): Promise<GetJsonResult> {
  const uris = json.output === null ? json.outputs : [json.output];
  const { exec } = options.postSteps;
  if (exec !== undefined) for (const uri of uris) await runHook(exec, uri, { cwd: process.cwd(), signal: io.signal });
  if (!options.mode.json) io.stdout.write(uris.map((uri) => `${uri}\n`).join(''));
  return json;
}
