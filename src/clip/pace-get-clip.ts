import { sleepUnlessCancelled } from '../download/cancellation.js';
import type { CallContext } from './plan-window.js';

/**
 * The `beforeSend` hook of one GetClip: reserves a call of `fragments` fragments on the run's pacer and waits for
 * its slot (cancellable). Runs as the last step before the request leaves, so the time spent resolving the data
 * endpoint is not charged twice.
 */
export async function paceGetClip(fragments: number, context: CallContext): Promise<void> {
  const cancellable = { sleep: context.sleep, signal: context.signal };
  await sleepUnlessCancelled(context.pacer.reserveGetClip(fragments, context.nowMs()), cancellable);
  // The slot's timer may fire late (a busy event loop): keep a full interval after the call that actually left last.
  for (let extra = context.pacer.confirmGetClip(context.nowMs()); extra > 0;) {
    await sleepUnlessCancelled(extra, cancellable);
    extra = context.pacer.confirmGetClip(context.nowMs());
  }
}
