import { createPrivateFile } from '../download/create-private-file.js';
import type { KvsSession } from '../kvs/kvs-session.js';
import { classifyForRetry } from '../kvs/classify-for-retry.js';
import { mapSdkError } from '../kvs/map-sdk-error.js';
import { streamLabel } from '../kvs/stream-ref.js';
import type { KvsPort } from './kvs-port.js';

/**
 * The KvsPort runGet drives, over src/kvs' session (one attempt per call, typed errors). The caller's pacing hooks
 * (`beforePage`, `beforeSend`) go straight to the session, which runs them just before each request is sent.
 */
export function sessionPort(session: KvsSession): KvsPort {
  const stream = streamLabel(session.stream);
  return {
    describeStream: ({ signal }) => session.describeStream({ signal }),
    listFragments: (range, { selector, signal, beforePage }) =>
      session.listFragments({ selector, startMs: range.startMs, endMs: range.endMs }, { signal, beforePage }),
    getClip: async (range, { selector, beforeSend, destPath, signal, onBytes, open }) => {
      // src/kvs writes the body with the default mode: a private file created first keeps the clip 0o600.
      await createPrivateFile(destPath);
      const { requestId, bytes, sha256 } = await session.getClip(
        { selector, startMs: range.startMs, endMs: range.endMs },
        { destPath, signal, onBytes, beforeSend, ...(open === undefined ? {} : { open }) },
      );
      return { requestId, sizeBytes: bytes, ...(sha256 === undefined ? {} : { sha256 }) };
    },
    refreshEndpoint: () => session.refreshEndpoints(),
    classify: classifyForRetry,
    toError: (error, op) => mapSdkError(error, { op, stream }),
  };
}
