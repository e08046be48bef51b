import { shapeClip } from '../clip-shape.js';
import { dataSegmentFor, type Plane } from '../data-plane.js';
import type { OperationName } from '../faults.js';
import type { HandlerContext } from '../handler-context.js';
import type { RequestBody } from '../request-fields.js';
import { describeStream } from './describe-stream.js';
import { getClip } from './get-clip.js';
import { getDataEndpoint } from './get-data-endpoint.js';
import { getImages } from './get-images.js';
import { listFragments } from './list-fragments.js';
import { listStreams } from './list-streams.js';

/** What a route gets for one request. */
export type RouteInput = {
  readonly body: RequestBody;
  readonly ctx: HandlerContext;
  /** Origin plus the path prefix the client's control-plane endpoint carried, no trailing slash. */
  readonly controlUrl: string;
};

/** A route's successful answer: a JSON document, or a media body of known size (GetClip). */
export type RouteReply =
  | { readonly kind: 'json'; readonly value: unknown }
  | {
      readonly kind: 'media';
      readonly contentType: string;
      readonly sizeBytes: number;
      readonly chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
      /** Fragments in the body, for the request log. */
      readonly fragments: number;
    };

/**
 * One served operation. `handle` throws WireError for anything the client should see as an AWS error; faults, the
 * per-call quota, auth and the plane check have already run (handleRequest).
 */
export type Route = {
  readonly op: OperationName;
  readonly plane: Plane;
  handle(input: RouteInput): RouteReply | Promise<RouteReply>;
};

const json = (value: unknown): RouteReply => ({ kind: 'json', value });

/**
 * Every operation the emulator serves, keyed by the last path segment (POST /<segment>, docs/planning.md, "How KVS
 * selects fragments"). To serve a new operation add one line here (and its name to OperationName in faults.ts).
 */
export const ROUTE_TABLE: Readonly<Record<string, Route>> = {
  getDataEndpoint: {
    op: 'GetDataEndpoint',
    plane: 'control',
    handle: ({ body, ctx, controlUrl }) =>
      json(getDataEndpoint(body, ctx.store, (name) => `${controlUrl}/${dataSegmentFor(name)}`)),
  },
  describeStream: {
    op: 'DescribeStream',
    plane: 'control',
    handle: ({ body, ctx }) => json(describeStream(body, ctx.store)),
  },
  listStreams: { op: 'ListStreams', plane: 'control', handle: ({ body, ctx }) => json(listStreams(body, ctx.store)) },
  listFragments: {
    op: 'ListFragments',
    plane: 'data',
    handle: ({ body, ctx }) =>
      json(
        listFragments(body, ctx.store, {
          nowMs: ctx.now(),
          seed: ctx.seed,
          defaultPageSize: ctx.listFragmentsPageSize,
          sorted: ctx.sortedListFragments,
          visibilityDelayMs: ctx.listFragmentsDelayMs,
        }),
      ),
  },
  getClip: { op: 'GetClip', plane: 'data', handle: ({ body, ctx }) => serveClip(body, ctx) },
  getImages: {
    op: 'GetImages',
    plane: 'data',
    handle: async ({ body, ctx }) =>
      json(
        await getImages(body, ctx.store, {
          nowMs: ctx.now(),
          render: ctx.renderFrame,
          encode: (media) => () => ctx.encodeClip(media, 'moov-first').chunks(),
          chargePoints: (stream, points) => ctx.quotas.chargeFragmentPoints(stream, points, 'GetImages'),
        }),
      ),
  },
};

function serveClip(body: RequestBody, ctx: HandlerContext): RouteReply {
  const clip = getClip(body, ctx.store, { nowMs: ctx.now(), caps: ctx.caps, cpdChangeError: ctx.cpdChangeError });
  ctx.quotas.chargeFragmentPoints(clip.stream.description.name, clip.fragments.length);
  const shaped = shapeClip(clip.media, { shape: ctx.clipShape, requestMs: ctx.now(), seed: ctx.seed });
  const encoded = ctx.encodeClip(shaped, ctx.clipLayout);
  return {
    kind: 'media',
    contentType: 'video/mp4',
    sizeBytes: encoded.sizeBytes,
    chunks: encoded.chunks(),
    fragments: clip.fragments.length,
  };
}

/** The operations served, for the "not served" error (sorted as AWS's model lists them: by name). */
export function servedOperations(): string[] {
  return Object.values(ROUTE_TABLE)
    .map((route) => `${route.op} (${route.plane} plane)`)
    .sort();
}
