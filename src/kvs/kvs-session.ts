import type { FragmentTable } from '../plan/fragment-table.js';
import type { KvsClients } from './clients.js';
import { createDataEndpointCache } from './data-endpoint-cache.js';
import { describeStream, type StreamDescription } from './describe-stream.js';
import { getClip, type ClipDownload, type ClipSink } from './get-clip.js';
import { getImagesPage, type ImagesPage, type ImagesQuery } from './get-images.js';
import type { KvsOperation } from './kvs-operation.js';
import { listFragments, type FragmentQuery } from './list-fragments.js';
import { listStreams } from './list-streams.js';
import type { StreamRef } from './stream-ref.js';

/** Everything the use cases need from KVS for one stream: the port src/clip wires to download and plan. */
export type KvsSession = {
  readonly stream: StreamRef;
  describeStream(options?: { signal?: AbortSignal }): Promise<StreamDescription>;
  /** Streams of the region (not only this one), for discovery. */
  listStreams(options?: { prefix?: string; signal?: AbortSignal }): Promise<StreamDescription[]>;
  /** All fragments of the range, sorted by the selected timestamp and deduplicated. */
  listFragments(query: FragmentQuery, options?: PagedCallOptions): Promise<FragmentTable>;
  /** One GetClip body streamed to `sink.destPath`, Content-Length checked; `beforeSend` runs just before sending. */
  getClip(query: FragmentQuery, sink: ClipSink & { beforeSend?: () => Promise<void> }): Promise<ClipDownload>;
  /** One GetImages page; `beforeSend` runs after the data endpoint is known, just before sending (pacing). */
  getImages(
    query: ImagesQuery,
    options?: { signal?: AbortSignal; beforeSend?: () => Promise<void> },
  ): Promise<ImagesPage>;
  /** Forget the cached data endpoints (after a connection or endpoint failure); the next call asks again. */
  refreshEndpoints(): Promise<void>;
};

/** A listing's options: `beforePage` runs before each page is requested (the caller's pacing). */
export type PagedCallOptions = { signal?: AbortSignal; beforePage?: () => Promise<void> };

/** The stream a session serves, and an optional pacing hook. */
export type KvsSessionOptions = {
  readonly stream: StreamRef;
  /** Runs before every request sent (each page, each GetDataEndpoint): the place for per-operation pacing. */
  readonly beforeRequest?: (op: KvsOperation, signal?: AbortSignal) => Promise<void>;
};

/**
 * Binds the SDK clients to one stream, with data endpoints cached per API (docs/planning.md steps 1–3 and 5).
 * Methods do one attempt each and throw typed KvsClipErrors (mapSdkError); retrying is the caller's, decided with
 * classifyForRetry. Never throws itself.
 */
export function createKvsSession(clients: KvsClients, options: KvsSessionOptions): KvsSession {
  const { stream } = options;
  const before = (op: KvsOperation) => async (signal?: AbortSignal) => {
    await options.beforeRequest?.(op, signal);
  };
  const endpoints = createDataEndpointCache(clients.control, { stream, beforeRequest: before('GetDataEndpoint') });
  const withSignal = (signal: AbortSignal | undefined): { signal?: AbortSignal } =>
    signal === undefined ? {} : { signal };
  return {
    stream,
    describeStream: async (callOptions = {}) => {
      await clients.region();
      await before('DescribeStream')(callOptions.signal);
      return describeStream(clients.control, { stream, ...withSignal(callOptions.signal) });
    },
    listStreams: (callOptions = {}) =>
      listStreams(clients, {
        ...withSignal(callOptions.signal),
        ...(callOptions.prefix === undefined ? {} : { prefix: callOptions.prefix }),
        beforeRequest: before('ListStreams'),
      }),
    listFragments: async (query, callOptions = {}) => {
      await clients.region();
      const client = await clients.archivedMedia(await endpoints.get('LIST_FRAGMENTS', withSignal(callOptions.signal)));
      return listFragments(client, {
        stream,
        query,
        ...withSignal(callOptions.signal),
        beforeRequest: async (signal) => {
          await callOptions.beforePage?.();
          await before('ListFragments')(signal);
        },
      });
    },
    getClip: async (query, sink) => {
      await clients.region();
      const client = await clients.archivedMedia(await endpoints.get('GET_CLIP', withSignal(sink.signal)));
      // The caller's pacing first, then the session's own hook: the last thing before the request leaves.
      await sink.beforeSend?.();
      await before('GetClip')(sink.signal);
      const { beforeSend: _paced, ...clipSink } = sink;
      return getClip(client, { stream, query, sink: clipSink });
    },
    getImages: async (query, callOptions = {}) => {
      await clients.region();
      const client = await clients.archivedMedia(await endpoints.get('GET_IMAGES', withSignal(callOptions.signal)));
      await callOptions.beforeSend?.();
      await before('GetImages')(callOptions.signal);
      return getImagesPage(client, { stream, query, ...withSignal(callOptions.signal) });
    },
    refreshEndpoints: () => {
      endpoints.invalidate();
      return Promise.resolve();
    },
  };
}
