import { optionalString, requireStream, type RequestBody } from '../request-fields.js';
import type { StreamStore } from '../store.js';
import { invalidArgument } from '../wire-error.js';

const API_NAMES = new Set([
  'PUT_MEDIA',
  'GET_MEDIA',
  'LIST_FRAGMENTS',
  'GET_MEDIA_FOR_FRAGMENT_LIST',
  'GET_HLS_STREAMING_SESSION_URL',
  'GET_DASH_STREAMING_SESSION_URL',
  'GET_CLIP',
  'GET_IMAGES',
]);

/**
 * POST /getDataEndpoint: always the emulator's own base URL (the lesson from moto, kvs-api.md §10.3), including the
 * path prefix the client reached it under, without a trailing slash. Throws WireError InvalidArgument /
 * ResourceNotFound.
 */
export function getDataEndpoint(body: RequestBody, store: StreamStore, baseUrl: string): Record<string, unknown> {
  const apiName = optionalString(body, 'APIName');
  if (apiName === undefined || !API_NAMES.has(apiName)) {
    throw invalidArgument(
      `1 validation error detected: Value '${apiName ?? 'null'}' at 'aPIName' failed to satisfy constraint: Member must satisfy enum value set: [${[...API_NAMES].join(', ')}]`,
    );
  }
  requireStream(body, store);
  return { DataEndpoint: baseUrl };
}
