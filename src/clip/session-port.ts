import { createPrivateFile } from '../download/create-private-file.js';
import type { KvsSession } from '../kvs/kvs-session.js';
import { classifyForRetry } from '../kvs/classify-for-retry.js';
import { mapSdkError } from '../kvs/map-sdk-error.js';
import { streamLabel } from '../kvs/stream-ref.js';
import type { KvsPort } from './kvs-port.js';

/**
 * The KvsPort runGet drives, over src/kvs' session (one attempt per call, typed errors). ListFragments pages are
 * and GetClip calls are paced through the session's `beforeRequest` hook, which runGet set when it opened the session.
 */
export function sessionPort(
  session: KvsSession,
  hooks: { setListPacer: (pace: () => Promise<void>) => void; clipFragments: WeakMap<AbortSignal, number> },
): KvsPort {
  const stream = streamLabel(session.stream);
  return {
    describeStream: ({ signal }) => session.describeStream({ signal }),
    listFragments: (range, { selector, signal, beforeRequest }) => {
      hooks.setListPacer(beforeRequest);
      return session.listFragments({ selector, startMs: range.startMs, endMs: range.endMs }, { signal });
    },
    getClip: async (range, { selector, fragments, destPath, signal, onBytes }) => {
      // A signal of its own, so the session's beforeRequest hook can find this call's fragment count.
      const callSignal = AbortSignal.any([signal]);
      hooks.clipFragments.set(callSignal, fragments);
      // src/kvs writes the body with the default mode: a private file created first keeps the clip 0o600.
      await createPrivateFile(destPath);
      const { requestId, bytes, sha256 } = await session.getClip(
        { selector, startMs: range.startMs, endMs: range.endMs },
        { destPath, signal: callSignal, onBytes },
      );
      return { requestId, sizeBytes: bytes, sha256 };
    },
    refreshEndpoint: () => session.refreshEndpoints(),
    classify: classifyForRetry,
    toError: (error, op) => mapSdkError(error, { op, stream }),
  };
}
