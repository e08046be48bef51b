import type { StreamsOptions } from '../commands/streams.js';
import type { CliIo } from '../io.js';
import { createKvsSession } from '../../kvs/kvs-session.js';
import { jsonInstant, type StreamsJsonResult } from '../render/json.js';
import type { CompleteStreamsOptions } from '../commands/complete-streams.js';
import { openKvsClients } from './open-kvs-clients.js';
import { retryKvsCall } from './retry-kvs-call.js';

/**
 * `kvs-clip streams`: ListStreams (all pages, retried), printed on stdout as an aligned table on a terminal and as one
 * name per line into a pipe (for `while read`), or returned for the --json document. Throws the mapped KvsClipError (auth, throttling, …).
 */
export async function runStreams(options: StreamsOptions, io: CliIo): Promise<StreamsJsonResult> {
  const connection = await openKvsClients(options.aws, io);
  try {
    // ListStreams is not about one stream; the session only needs some reference.
    const session = createKvsSession(connection.clients, { stream: { streamName: '-' } });
    const prefix = options.prefix === undefined ? {} : { prefix: options.prefix };
    const streams = await retryKvsCall(
      'ListStreams',
      () => session.listStreams({ signal: io.signal, ...prefix }),
      io,
      options,
    );
    const result: StreamsJsonResult = {
      command: 'streams',
      streams: streams.map((stream) => ({
        name: stream.name,
        arn: stream.arn,
        status: stream.status,
        mediaType: stream.mediaType ?? null,
        retentionHours: stream.retentionHours,
        createdAt: stream.creationMs === undefined ? null : jsonInstant(stream.creationMs),
      })),
    };
    if (!options.mode.json)
      io.stdout.write(io.stdoutIsTTY ? streamsTable(result) : result.streams.map((s) => `${s.name}\n`).join(''));
    return result;
  } finally {
    await connection.close();
  }
}

/** Stream names only, for shell completion: a short connect timeout, no pacing, no retries. */
export async function listStreamNames(options: CompleteStreamsOptions, io: CliIo): Promise<readonly string[]> {
  const connection = await openKvsClients(options.aws, io, { connectTimeoutMs: options.timeoutMs });
  try {
    const session = createKvsSession(connection.clients, { stream: { streamName: '-' } });
    const signal = AbortSignal.any([io.signal, AbortSignal.timeout(options.timeoutMs)]);
    return (await session.listStreams({ signal })).map((stream) => stream.name);
  } finally {
    await connection.close();
  }
}

function streamsTable(result: StreamsJsonResult): string {
  if (result.streams.length === 0) return '';
  const rows = [
    ['NAME', 'STATUS', 'RETENTION', 'MEDIA TYPE'],
    ...result.streams.map((s) => [
      s.name,
      s.status,
      s.retentionHours === 0 ? 'none' : `${s.retentionHours}h`,
      s.mediaType ?? '-',
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return (
    rows
      .map((row) =>
        row
          .map((cell, column) => cell.padEnd(widths[column] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
