import type { S3Client } from '@aws-sdk/client-s3';
import { addRequestLog, type RequestLog } from '../kvs/request-log.js';
import { s3Sdk } from './load-sdk.js';

/** S3 configuration as the CLI collects it. Region and credentials come from the standard chain unless given. */
export type S3ClientOptions = {
  /** `--s3-endpoint-url` or AWS_ENDPOINT_URL_S3: a custom endpoint, addressed path-style. */
  readonly endpointUrl?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Per-request socket timeout (default 60 s) and connect timeout (default 10 s). */
  readonly requestTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** SDK attempts per request (default 5): SlowDown, 5xx, timeouts and resets are retried with backoff. */
  readonly maxAttempts?: number;
  /** `-vv`: told of every request attempt and its answer (src/kvs/request-log.ts; never headers or bodies). */
  readonly requestLog?: RequestLog;
};

/**
 * An S3 client for uploads. Unlike the KVS clients, the SDK's own standard retry strategy is used: each part is one
 * request that can be resent as a whole, so per-part retry with backoff is exactly what it does. Region redirects
 * are followed, so a bucket in another region than the stream works. Never throws; bad configuration surfaces on
 * the first call.
 */
export function createS3Client(options: S3ClientOptions): S3Client {
  const { S3Client } = s3Sdk();
  const client = new S3Client({
    maxAttempts: options.maxAttempts ?? 5,
    retryMode: 'standard',
    followRegionRedirects: true,
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 60_000,
    },
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
    ...(options.endpointUrl === undefined ? {} : { endpoint: options.endpointUrl, forcePathStyle: true }),
  });
  if (options.requestLog !== undefined) addRequestLog(client, options.requestLog);
  return client;
}

/** The client type for code outside src/s3 (which may not import the SDK, not even its types). */
export type UploadClient = S3Client;
