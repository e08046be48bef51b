// The fleet budget applied to one stream's KVS port (docs/archive.md, "The fleet budget").
import type { KvsPort } from '../clip/kvs-port.js';
import { sleepUnlessCancelled } from '../download/cancellation.js';
import type { FleetBudget, Release } from './fleet-budget.js';

/** The injected clock the gate measures the stream's own send times with. */
export type GateClock = {
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
};

/**
 * `port` with every GetClip holding one slot of the fleet budget while its request is in flight. The slot is taken
 * after the stream's own pacing wait (so a stream waiting for its per-stream quota holds nothing) and given back
 * when the call ends, whatever its outcome.
 *
 * A wait for a slot makes a call leave later than its pacer planned, and the stream's next call, planned relative
 * to that plan, could then follow it too closely for the per-stream quota. So the calls of one stream pass a gate
 * one at a time, in the order their pacing ended, and each leaves no sooner after the previous one than the pacer
 * spaced them: a delay shifts the stream's later calls instead of squeezing them together.
 */
export function budgetedPort(port: KvsPort, budget: FleetBudget, stream: string, clock: GateClock): KvsPort {
  let last: { readonly dueMs: number; readonly sentMs: number } | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const pass = async (dueMs: number, signal: AbortSignal): Promise<Release> => {
    if (last !== undefined) {
      const notBeforeMs = last.sentMs + (dueMs - last.dueMs);
      await sleepUnlessCancelled(notBeforeMs - clock.nowMs(), { sleep: clock.sleep, signal });
    }
    const release = await budget.acquire(stream, signal);
    last = { dueMs, sentMs: clock.nowMs() };
    return release;
  };

  return {
    ...port,
    getClip: async (range, options) => {
      let release: Release | undefined;
      try {
        return await port.getClip(range, {
          ...options,
          beforeSend: async () => {
            await options.beforeSend();
            if (release !== undefined) return;
            const dueMs = clock.nowMs();
            const passed = queue.then(() => pass(dueMs, options.signal));
            queue = passed.catch(() => undefined);
            release = await passed;
          },
        });
      } finally {
        release?.();
      }
    },
  };
}
