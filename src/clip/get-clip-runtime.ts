import type { CallContext } from './plan-window.js';

/**
 * The retry, pacing and cancellation settings every GetClip download of a run shares, as `fetchParts` takes them:
 * calls are paced by the session port (run-get sets its beforeRequest hook), retried with the run's budget, and
 * classified and mapped by the KVS port. One place, so joined, split and gap-split downloads cannot drift apart.
 */
export function getClipRuntime(context: CallContext) {
  return {
    pacer: context.pacer,
    pacedByPort: true,
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
