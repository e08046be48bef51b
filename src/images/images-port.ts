import type { KvsClipError } from '../errors/kvs-clip-error.js';
import type { RetryClass } from '../download/retry-policy.js';
import type { Selector } from '../plan/fragment.js';

/** One GetImages page request: the instants `startMs + k × samplingIntervalMs ≤ endMs` (epoch ms). */
export type ImagesPageRequest = {
  readonly selector: Selector;
  readonly startMs: number;
  readonly endMs: number;
  readonly samplingIntervalMs: number;
  readonly format: 'jpeg' | 'png';
  readonly quality?: number;
  readonly widthPixels?: number;
  readonly heightPixels?: number;
  readonly maxResults?: number;
  readonly nextToken?: string;
};

/** One sampled instant: its picture, or the service's reason for none (a gap, not a failure). */
export type SampledImage =
  | { readonly timestampMs: number; readonly bytes: Uint8Array }
  | { readonly timestampMs: number; readonly error: 'NO_MEDIA' | 'MEDIA_ERROR' };

/**
 * What the images use case needs from KVS, declared here and satisfied by src/kvs' session (docs/images.md). Each
 * call is one attempt; the use case retries with withRetry and paces with `beforeSend`.
 */
export type ImagesPort = {
  getImages(
    request: ImagesPageRequest,
    options: { signal: AbortSignal; beforeSend: () => Promise<void> },
  ): Promise<{ readonly images: readonly SampledImage[]; readonly nextToken: string | undefined }>;
  refreshEndpoint(): Promise<void>;
  classify(error: unknown): RetryClass;
  toError(error: unknown): KvsClipError;
};
