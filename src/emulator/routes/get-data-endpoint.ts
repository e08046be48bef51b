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
 * POST /getDataEndpoint: the stream's own data-plane URL on this emulator (`dataUrlFor(streamName)`: the control URL
 * the client used, prefix kept, plus a `/b-xxxxxxxx` segment; no trailing slash). Never the control URL itself, so a
 * client that skips GetDataEndpoint fails here as it would on AWS. Throws WireError InvalidArgument /
 * ResourceNotFound.
 */
export function getDataEndpoint(
  body: RequestBody,
  store: StreamStore,
  dataUrlFor: (streamName: string) => string,
): Record<string, unknown> {
  const apiName = optionalString(body, 'APIName');
  if (apiName === undefined || !API_NAMES.has(apiName)) {
    throw invalidArgument(
      `1 validation error detected: Value '${apiName ?? 'null'}' at 'aPIName' failed to satisfy constraint: Member must satisfy enum value set: [${[...API_NAMES].join(', ')}]`,
    );
  }
  const stream = requireStream(body, store);
  return { DataEndpoint: dataUrlFor(stream.description.name) };
}
