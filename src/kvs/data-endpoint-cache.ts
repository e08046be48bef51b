import type { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { RemoteError } from '../errors/remote-error.js';
import { kinesisVideoSdk } from './load-sdk.js';
import { mapSdkError } from './map-sdk-error.js';
import { streamFields, streamLabel, type StreamRef } from './stream-ref.js';

/** The data-plane APIs kvs-clip asks GetDataEndpoint about. */
export type DataApi = 'LIST_FRAGMENTS' | 'GET_CLIP' | 'GET_IMAGES';

/** Data endpoints of one stream, per API. */
export type DataEndpointCache = {
  /** The DataEndpoint for `api`, from the cache or one GetDataEndpoint call. Throws the mapped KvsClipError. */
  get(api: DataApi, options?: { signal?: AbortSignal }): Promise<string>;
  /** Forgets every endpoint; the next `get` asks again. Call after a connection or endpoint failure. */
  invalidate(): void;
};

/**
 * GetDataEndpoint once per stream and API, cached: the call is limited to 5 TPS per stream, and "caching data
 * endpoints is safe if the application reloads them on failure" (DOC-LIMITS, docs/pipeline.md, "Quotas"). Concurrent
 * callers share one request; a failed request is not cached. `beforeRequest` runs before each GetDataEndpoint (pacing).
 */
export function createDataEndpointCache(
  control: KinesisVideoClient,
  options: { stream: StreamRef; beforeRequest?: (signal?: AbortSignal) => Promise<void> },
): DataEndpointCache {
  const cache = new Map<DataApi, Promise<string>>();
  const stream = streamLabel(options.stream);
  const fetchEndpoint = async (api: DataApi, signal: AbortSignal | undefined): Promise<string> => {
    await options.beforeRequest?.(signal);
    const { GetDataEndpointCommand } = kinesisVideoSdk();
    try {
      const output = await control.send(
        new GetDataEndpointCommand({ ...streamFields(options.stream), APIName: api }),
        signal === undefined ? {} : { abortSignal: signal },
      );
      if (output.DataEndpoint === undefined || output.DataEndpoint === '') {
        throw new RemoteError('E_REMOTE', `GetDataEndpoint for stream "${stream}" returned no DataEndpoint`);
      }
      return output.DataEndpoint;
    } catch (error) {
      throw mapSdkError(error, { op: 'GetDataEndpoint', stream, ...(signal === undefined ? {} : { signal }) });
    }
  };
  return {
    get(api, getOptions = {}) {
      const cached = cache.get(api);
      if (cached !== undefined) return cached;
      const pending = fetchEndpoint(api, getOptions.signal);
      cache.set(api, pending);
      pending.catch(() => {
        if (cache.get(api) === pending) cache.delete(api);
      });
      return pending;
    },
    invalidate() {
      cache.clear();
    },
  };
}
