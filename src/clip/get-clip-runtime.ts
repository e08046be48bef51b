import { throttleCauseOf } from '../download/throttle-cause.js';
import type { CallContext } from './plan-window.js';

/**
 * The retry, pacing and cancellation settings every GetClip download of a run shares, as `fetchParts` takes them:
 * each call is paced by the `beforeSend` hook its caller hands the KVS port (pace-get-clip.ts), throttles slow the
 * run's pacer, calls are retried with the run's budget and classified and mapped by the KVS port. One place, so joined, split and gap-split downloads cannot drift apart.
 */
export function getClipRuntime(context: CallContext) {
  return {
    onThrottle: (error: unknown) => context.pacer.noteThrottle(throttleCauseOf(error)),
    budget: context.budget,
    classify: (error: unknown) => context.kvs.classify(error),
    toError: (error: unknown) => context.kvs.toError(error, 'GetClip'),
    refreshEndpoint: () => context.kvs.refreshEndpoint(),
    random: context.random,
    nowMs: context.nowMs,
    sleep: context.sleep,
    signal: context.signal,
    emit: context.emit,
  } as const;
}
