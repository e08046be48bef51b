import { createHash } from 'node:crypto';

/** Which of the two KVS endpoints a request reached (see src/emulator/README.md, "Two planes"). */
export type Plane = 'control' | 'data';

/** Where a request path points: the operation segment, the plane, and the client's own prefix before both. */
export type RoutedPath = {
  /** Last path segment, e.g. `getClip`. */
  readonly opSegment: string;
  readonly plane: Plane;
  /** Path the client's endpoint carried before the plane segment (kept: SDKs append to it), '' or `/some/base`. */
  readonly basePath: string;
};

/** A data-plane path segment, shaped like AWS's `b-54c7cb80` data endpoint host label. */
const DATA_SEGMENT = /^b-[0-9a-f]{8}$/;

/**
 * The data endpoint label of a stream: `b-` + 8 hex digits of a hash of its name, so each stream has its own stable
 * data URL (as on AWS, where GetDataEndpoint answers a per-stream `https://b-xxxxxxxx.kinesisvideo.<region>…` host).
 */
export function dataSegmentFor(streamName: string): string {
  return `b-${createHash('sha256').update(streamName, 'utf8').digest('hex').slice(0, 8)}`;
}

/**
 * Splits a request path into its parts. `/listStreams` and `/some/base/listStreams` are control-plane paths;
 * `/b-1a2b3c4d/getClip` and `/some/base/b-1a2b3c4d/getClip` are data-plane paths. Never throws.
 */
export function parseRoutePath(pathname: string): RoutedPath {
  const segments = pathname.split('/');
  const opSegment = segments.pop() ?? '';
  const planeSegment = segments[segments.length - 1] ?? '';
  if (DATA_SEGMENT.test(planeSegment)) {
    segments.pop();
    return { opSegment, plane: 'data', basePath: segments.join('/') };
  }
  return { opSegment, plane: 'control', basePath: segments.join('/') };
}
