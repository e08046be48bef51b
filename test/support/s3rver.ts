import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** One request s3rver received: method, path and the query's action keys (e.g. `uploadId`, `partNumber=3`). */
export type S3Request = { readonly method: string; readonly url: string; readonly status: number };

/** S3Fault.status of a connection reset mid-request (logged in `requests` with this status). */
export const RESET = -1;

/** A reply the harness gives instead of s3rver, `times` times, to requests that `match`. */
export type S3Fault = {
  readonly match: (request: { method: string; url: string }) => boolean;
  times: number;
  /**
   * HTTP status of the reply; 0 = never answer (the request hangs until the client goes away); RESET = close the
   * connection abruptly (TCP RST) once the first bytes of the request body have arrived, with no reply.
   */
  readonly status: number;
  readonly code: string;
};

export type TestS3 = {
  readonly url: string;
  readonly directory: string;
  /** Every request, in order (faulted ones included, with their status). */
  readonly requests: S3Request[];
  readonly faults: S3Fault[];
  /** Credentials s3rver accepts. */
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
};

function resetOnFirstBytes(req: IncomingMessage, logged: () => void): void {
  req.once('data', () => {
    logged();
    req.socket.resetAndDestroy();
  });
}

function replyWithFault(res: ServerResponse, fault: S3Fault): void {
  res.writeHead(fault.status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected</Message></Error>`);
}

/**
 * Real S3 answers a request naming an upload id it does not know (completed, aborted, expired) with 404 NoSuchUpload.
 * s3rver does not check: it stores the part into a new directory and fails the completion with a 500. The front
 * gives S3's answer when s3rver has no state for the upload (`<bucket>/._S3rver_uploads/<id>/key` in its directory).
 */
function unknownUpload(directory: string, url: string): S3Fault | undefined {
  const parsed = new URL(url, 'http://front');
  const uploadId = parsed.searchParams.get('uploadId');
  const bucket = decodeURIComponent(parsed.pathname.split('/')[1] ?? '');
  if (uploadId === null || uploadId === '' || bucket === '') return undefined;
  if (existsSync(uploadDirectory(directory, bucket, uploadId, 'key'))) return undefined;
  return { match: () => true, times: 1, status: 404, code: 'NoSuchUpload' };
}

/** Where s3rver keeps the state of one multipart upload (its filesystem store's layout). */
export function uploadDirectory(directory: string, bucket: string, uploadId: string, ...rest: string[]): string {
  return join(directory, bucket, '._S3rver_uploads', uploadId, ...rest);
}

/**
 * Starts a real s3rver (filesystem-backed S3-compatible server) on 127.0.0.1:0 with the given buckets, behind a thin
 * HTTP front that logs every request, can answer with injected faults, and answers NoSuchUpload as S3 does. No S3
 * client code is mocked.
 */
export async function startTestS3(options: { buckets: readonly string[] }): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'kvs-clip-s3rver-'));
  const s3rver = new S3rver({
    directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const uploadGone = (request: { url: string }) => unknownUpload(directory, request.url);
  const requests: S3Request[] = [];
  const faults: S3Fault[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const request = { method: req.method ?? '', url: req.url ?? '' };
    const fault = faults.find((candidate) => candidate.times > 0 && candidate.match(request)) ?? uploadGone(request);
    res.on('finish', () => requests.push({ ...request, status: res.statusCode }));
    if (fault !== undefined) {
      fault.times -= 1;
      if (fault.status === RESET) return resetOnFirstBytes(req, () => requests.push({ ...request, status: RESET }));
      req.resume();
      if (fault.status === 0) return;
      req.on('end', () => replyWithFault(res, fault));
      return;
    }
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    directory,
    requests,
    faults,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Requests that uploaded part `partNumber` (UploadPart), successful or not. */
export function partRequests(requests: readonly S3Request[]): S3Request[] {
  return requests.filter((request) => request.method === 'PUT' && /[?&]partNumber=\d+/.test(request.url));
}
