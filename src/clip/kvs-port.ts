import type { Writable } from 'node:stream';
import type { KvsClipError } from '../errors/kvs-clip-error.js';
import type { RetryClass } from '../download/retry-policy.js';
import type { Selector, TimeRange } from '../plan/fragment.js';
import type { FragmentTable } from '../plan/fragment-table.js';

/**
 * What runGet needs from KVS for one stream, declared here and implemented over src/kvs by sessionPort. Each method
 * is one remote call (ListFragments: one listing) without retries (clients use maxAttempts 1): runGet wraps every
 * call in withRetry. Pacing is explicit: the caller passes `beforePage` / `beforeSend`, the port runs it at the
 * last moment before the request leaves (docs/pipeline.md, "KvsPort").
 */
export type KvsPort = {
  /** DescribeStream: the ARN and retention; rejects ResourceNotFound for an unknown stream. */
  describeStream(options: { signal: AbortSignal }): Promise<{ arn: string; retentionHours: number }>;
  /** Every fragment of `range` by `selector` (all pages, sorted); `beforePage` runs before each page (pacing). */
  listFragments(
    range: TimeRange,
    options: { selector: Selector; signal: AbortSignal; beforePage: () => Promise<void> },
  ): Promise<FragmentTable>;
  /**
   * GetClip of `range`, its body streamed to `destPath` with Content-Length checked; `beforeSend` (the caller's
   * pacing) runs after the data endpoint is known, just before the request is sent. `destPath` is created
   * owner-only (0o600) first.
   * Resolves with the service's request ID (for -v), and the size and SHA-256 (hex) of the file written, taken
   * while the body streamed (so the file need not be read back to hash it).
   */
  getClip(
    range: TimeRange,
    options: {
      selector: Selector;
      beforeSend: () => Promise<void>;
      destPath: string;
      signal: AbortSignal;
      onBytes: (bytes: number) => void;
      /** Write the body here instead of `destPath`, unhashed (src/download/part-body.ts). */
      open?: (contentLength: number | undefined) => Writable;
    },
  ): Promise<{ readonly requestId: string | undefined; readonly sizeBytes: number; readonly sha256?: string }>;
  /** Forgets the cached data endpoints, so the next call asks GetDataEndpoint again. */
  refreshEndpoint(): Promise<void>;
  /** Retry class of anything these methods reject with. */
  classify(error: unknown): RetryClass;
  /** The typed error for a failure that is not retried (or that exhausted its retries). */
  toError(error: unknown, operation: 'DescribeStream' | 'ListFragments' | 'GetClip'): KvsClipError;
};
