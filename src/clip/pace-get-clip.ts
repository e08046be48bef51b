import { sleepUnlessCancelled } from '../download/cancellation.js';
import type { CallContext } from './plan-window.js';

/**
 * The `beforeSend` hook of one GetClip: reserves a call of `fragments` fragments on the run's pacer and waits for
 * its slot (cancellable). Runs as the last step before the request leaves, so the time spent resolving the data
 * endpoint is not charged twice.
 */
export function paceGetClip(fragments: number, context: CallContext): Promise<void> {
  const wait = context.pacer.reserveGetClip(fragments, context.nowMs());
  return sleepUnlessCancelled(wait, { sleep: context.sleep, signal: context.signal });
}
