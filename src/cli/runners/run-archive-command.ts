import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ArchiveOptions, ArchiveResult } from '../../archive/archive-types.js';
import { runArchive } from '../../archive/run-archive.js';
import { StreamsFailedError } from '../../errors/streams-failed-error.js';
import { UsageError } from '../../errors/usage-error.js';
import { createKvsSession } from '../../kvs/kvs-session.js';
import { checkStateDirectoryPath } from '../../output/check-state-path.js';
import { isS3Uri } from '../../s3/s3-uri.js';
import type { ArchiveCliOptions } from '../commands/archive.js';
import type { CliIo } from '../io.js';
import { createArchiveRenderer } from '../render/archive-renderer.js';
import { jsonInstant, jsonSpan, type ArchiveJsonResult } from '../render/json.js';
import { openArchiveS3 } from './archive-s3.js';
import { openKvsClients } from './open-kvs-clients.js';

/**
 * `kvs-clip archive`: read the streams file, bind runArchive to the real clock, sleep, KVS clients (or the
 * in-process emulator for --local) and this terminal's renderer, then report. Throws StreamsFailedError (exit 9,
 * with the whole outcome for --json) when some streams failed, OutputError when --state-dir is a file (before any
 * request), and whatever runArchive throws.
 */
export async function runArchiveCommand(options: ArchiveCliOptions, io: CliIo): Promise<ArchiveJsonResult> {
  if (!isS3Uri(options.stateDir)) await checkStateDirectoryPath(resolve(options.stateDir), options.stateDir);
  const s3 = openArchiveS3(options, io);
  const archiveOptions = { ...(await toArchiveOptions(options)), stateDir: s3.stateDir };
  // Draining in-flight segments may take the whole --grace: the process must not force its exit sooner.
  io.extendCancelGrace?.(options.graceMs + 5_000);
  const connection = await openKvsClients(options.aws, io);
  const renderer = createArchiveRenderer(io, options.mode, options.logFormat);
  try {
    const listingSession = createKvsSession(connection.clients, { stream: { streamName: '-' } });
    const result = await runArchive(archiveOptions, {
      nowMs: () => io.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      openSession: (sessionOptions) => createKvsSession(connection.clients, sessionOptions),
      listStreams: async (prefix, signal) =>
        (await listingSession.listStreams({ signal, prefix })).map((stream) => stream.name),
      cwd: process.cwd(),
      emit: (event) => renderer.emit(event),
      signal: io.signal,
      ...(s3.openObjectStore === undefined ? {} : { openObjectStore: s3.openObjectStore }),
      ...(s3.stateMirror === undefined ? {} : { stateMirror: s3.stateMirror }),
    });
    const json = toArchiveJson(result);
    if (json.totals.failed > 0) {
      renderer.close();
      const failed = json.streams.filter((stream) => stream.status === 'failed').map((stream) => stream.stream);
      throw new StreamsFailedError(
        `${failed.length} of ${json.totals.streams} streams failed: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ', …' : ''}`,
        json,
        { hint: 'The others are up to date; the failed ones are retried by the next run (their state is kept)' },
      );
    }
    return json;
  } finally {
    renderer.close();
    s3.close();
    await connection.close();
  }
}

async function toArchiveOptions(options: ArchiveCliOptions): Promise<ArchiveOptions> {
  const streamsFile = options.streamsFile === undefined ? undefined : await readStreamsFile(options.streamsFile);
  return {
    names: options.names,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(streamsFile === undefined ? {} : { streamsFile }),
    ...(options.shard === undefined ? {} : { shard: options.shard }),
    segmentMs: options.segmentMs,
    stateDir: options.stateDir,
    output: options.output,
    since: options.since ?? options.segmentText,
    timeZone: options.tz,
    settleMs: options.settleMs,
    selector: options.selector,
    follow: options.follow,
    graceMs: options.graceMs,
    concurrency: options.concurrency,
    maxSegmentsPerCycle: options.maxSegments,
    rescanMs: 60_000,
    dryRun: options.dryRun,
    get: {
      format: options.format,
      faststart: options.faststart,
      gaps: options.gaps,
      retries: options.retries,
      retryMaxTimeMs: options.retryMaxTimeMs,
      fragmentRate: options.fragmentRate,
      pacing: options.pacing,
      ...(options.exec === undefined ? {} : { exec: options.exec }),
    },
  };
}

async function readStreamsFile(name: string): Promise<{ name: string; text: string }> {
  try {
    return { name, text: await readFile(name, 'utf8') };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
    throw new UsageError('E_USAGE', `Cannot read --streams-file ${name} (${code})`);
  }
}

/** The archive's result as its `--json` document (render/json.ts). */
export function toArchiveJson(result: ArchiveResult): ArchiveJsonResult {
  const streams = result.streams.map((outcome) => ({
    stream: outcome.stream,
    status: outcome.status,
    cursor: outcome.cursorMs === null ? null : jsonInstant(outcome.cursorMs),
    segments: outcome.segments.map((record) => ({
      ...jsonSpan(record.startMs, record.endMs),
      output: record.output,
      fragments: record.fragments,
      bytes: record.bytes,
      firstFragmentNumber: record.firstFragmentNumber,
      lastFragmentNumber: record.lastFragmentNumber,
      gaps: record.gaps.map((gap) => jsonSpan(gap.startMs, gap.endMs)),
      resumed: record.resumed,
    })),
    planned: outcome.planned.map((segment) => ({
      ...jsonSpan(segment.startMs, segment.endMs),
      output: segment.output,
    })),
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
  }));
  const segments = streams.flatMap((stream) => stream.segments);
  return {
    command: 'archive',
    segmentMs: result.segmentMs,
    shard: result.shard,
    dryRun: result.dryRun,
    cycles: result.cycles,
    durationMs: result.durationMs,
    totals: {
      streams: streams.length,
      failed: streams.filter((stream) => stream.status === 'failed').length,
      segments: segments.length,
      empty: segments.filter((segment) => segment.output === null).length,
      bytes: segments.reduce((sum, segment) => sum + segment.bytes, 0),
      gaps: segments.reduce((sum, segment) => sum + segment.gaps.length, 0),
    },
    streams,
  };
}
