import type { KinesisVideoArchivedMediaClient } from '@aws-sdk/client-kinesis-video-archived-media';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { IncomingMessage } from 'node:http';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RemoteError } from '../errors/remote-error.js';
import type { FragmentQuery } from './list-fragments.js';
import { selectorType } from './list-fragments.js';
import { mapSdkError, TRUNCATED_BODY } from './map-sdk-error.js';
import { archivedMediaSdk } from './load-sdk.js';
import { streamFields, streamLabel, type StreamRef } from './stream-ref.js';

/** Where a GetClip body goes, and who wants to hear about it. */
export type ClipSink = {
  /** The file to write (created or truncated; removed again if the download fails). */
  readonly destPath: string;
  readonly signal?: AbortSignal;
  /** Called with the size of every chunk written (progress). */
  readonly onBytes?: (bytes: number) => void;
  /** Abort the body when no byte arrives for this long (default 60 s). */
  readonly idleTimeoutMs?: number;
  /**
   * Write the body into this writable instead of `destPath` (given the Content-Length, undefined when not sent), and
   * do not hash it: the caller's sink decides what to keep (src/download/part-body.ts).
   */
  readonly open?: (contentLength: number | undefined) => Writable;
};

/** A GetClip body safely on disk. */
export type ClipDownload = {
  readonly bytes: number;
  /** SHA-256 (lowercase hex) of exactly the bytes written to `destPath`, computed as they streamed past; undefined
   * when the body went to the caller's `open` sink. */
  readonly sha256: string | undefined;
  /** The Content-Length header, when the service sent one (the body matched it). */
  readonly contentLength: number | undefined;
  readonly contentType: string | undefined;
  readonly requestId: string | undefined;
};

/** Bytes a spool file's write stream buffers before it pushes back on the socket (they leave in one writev). */
const SPOOL_WRITE_BUFFER_BYTES = 1024 * 1024;

function contentLengthOf(payload: Readable): number | undefined {
  // The SDK does not check Content-Length (docs/planning.md, "Quotas, pacing and retries"); in Node the Payload is the
  // IncomingMessage itself.
  if (!(payload instanceof IncomingMessage)) return undefined;
  const header = payload.headers['content-length'];
  const value = header === undefined ? Number.NaN : Number(header);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function truncatedBody(bytes: number, expected: number): Error {
  const error = new Error(`body ended after ${bytes} of ${expected} bytes`);
  error.name = TRUNCATED_BODY;
  return error;
}

function idleTimeout(ms: number): Error {
  return Object.assign(new Error(`no body bytes for ${ms} ms`), { code: 'ETIMEDOUT' });
}

/**
 * One GetClip call streamed to `sink.destPath` with `pipeline` (the body is never buffered whole), the bytes
 * written checked against Content-Length and hashed on the way (SHA-256), so nobody reads the file back for it.
 * Timestamps go out as Dates built from epoch ms (the SDK sends fractional seconds, docs/emulator.md, "Faithful by
 * construction").
 *
 * Throws RemoteError E_REMOTE (retryable; `cause` named TruncatedBody, or the socket error) when the body is short,
 * reset, or stalls; the cancellation error when `signal` fires; OutputError when the file cannot be written; else
 * the mapped SDK error (E_NO_MEDIA, E_MEDIA_UNSUPPORTED, E_THROTTLED, …). On any failure the Payload is destroyed
 * (its socket released) and the partial file removed.
 */
export async function getClip(
  client: KinesisVideoArchivedMediaClient,
  request: { stream: StreamRef; query: FragmentQuery; sink: ClipSink },
): Promise<ClipDownload> {
  const { stream, query, sink } = request;
  const label = streamLabel(stream);
  const signal = sink.signal;
  let payload: Readable | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const { GetClipCommand } = archivedMediaSdk();
    const output = await client.send(
      new GetClipCommand({
        ...streamFields(stream),
        ClipFragmentSelector: {
          FragmentSelectorType: selectorType(query.selector),
          TimestampRange: { StartTimestamp: new Date(query.startMs), EndTimestamp: new Date(query.endMs) },
        },
      }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    if (!(output.Payload instanceof Readable)) {
      throw new RemoteError('E_REMOTE', `GetClip for stream "${label}" returned no readable body`);
    }
    const body = output.Payload;
    payload = body;
    const expected = contentLengthOf(body);
    const idleMs = sink.idleTimeoutMs ?? 60_000;
    // One timer re-armed in place: a fresh setTimeout per 64 KB chunk is ~20 000 timers per GB.
    timer = setTimeout(() => body.destroy(idleTimeout(idleMs)), idleMs);
    const arm = (): void => {
      timer?.refresh();
    };
    let bytes = 0;
    const hash = sink.open === undefined ? createHash('sha256') : null;
    // A deep write buffer: chunks that arrive while one write is on the threadpool go out together in one writev,
    // instead of one threadpool write per socket chunk (the default 16 KB mark).
    const file = sink.open?.(expected) ?? createWriteStream(sink.destPath, { highWaterMark: SPOOL_WRITE_BUFFER_BYTES });
    const piped = pipeline(body, file, ...(signal === undefined ? [] : [{ signal }]));
    // Counted beside the pipe (attached after it, so the file hears of each chunk first) rather than by a Transform
    // between them, whose own buffers and re-emission cost ~3 % of a 1 h get's CPU (docs/pipeline.md, "Garbage
    // collection").
    body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash?.update(chunk);
      arm();
      sink.onBytes?.(chunk.length);
    });
    await piped;
    if (expected !== undefined && bytes !== expected) {
      throw new RemoteError(
        'E_REMOTE',
        `GetClip for stream "${label}" failed: body ended after ${bytes} of ${expected} bytes`,
        {
          cause: truncatedBody(bytes, expected),
          hint: 'The connection was cut mid-body: run again (finished parts are kept)',
        },
      );
    }
    return {
      bytes,
      sha256: hash?.digest('hex'),
      contentLength: expected,
      contentType: output.ContentType,
      requestId: output.$metadata.requestId,
    };
  } catch (error) {
    payload?.destroy();
    await rm(sink.destPath, { force: true }).catch(() => undefined);
    throw mapSdkError(error, { op: 'GetClip', stream: label, ...(signal === undefined ? {} : { signal }) });
  } finally {
    clearTimeout(timer);
  }
}
