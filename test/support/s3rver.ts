import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** One request s3rver received: method, path and the query's action keys (e.g. `uploadId`, `partNumber=3`). */
export type S3Request = { readonly method: string; readonly url: string; readonly status: number };

/** A reply the harness gives instead of s3rver, `times` times, to requests that `match`. */
export type S3Fault = {
  readonly match: (request: { method: string; url: string }) => boolean;
  times: number;
  /** HTTP status of the reply; 0 = never answer (the request hangs until the client goes away). */
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

function replyWithFault(res: ServerResponse, fault: S3Fault): void {
  res.writeHead(fault.status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected</Message></Error>`);
}

/**
 * Starts a real s3rver (filesystem-backed S3-compatible server) on 127.0.0.1:0 with the given buckets, behind a thin
 * HTTP front that logs every request and can answer with injected faults. No S3 client code is mocked.
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
  const requests: S3Request[] = [];
  const faults: S3Fault[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const request = { method: req.method ?? '', url: req.url ?? '' };
    const fault = faults.find((candidate) => candidate.times > 0 && candidate.match(request));
    res.on('finish', () => requests.push({ ...request, status: res.statusCode }));
    if (fault !== undefined) {
      fault.times -= 1;
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

/**
 * The environment of a CLI run against `s3`: no AWS config or instance metadata, s3rver's credentials, its URL as
 * AWS_ENDPOINT_URL_S3, and the S3 scratch folders under `dir/staging`.
 */
export function s3CliEnv(s3: TestS3, dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    TZ: 'UTC',
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3.url,
    KVS_CLIP_STAGING_DIR: join(dir, 'staging'),
    ...extra,
  };
}
