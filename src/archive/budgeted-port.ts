// The fleet budget applied to one stream's KVS port (docs/archive.md, "The fleet budget").
import type { KvsPort } from '../clip/kvs-port.js';
import type { FleetBudget, Release } from './fleet-budget.js';

/**
 * `port` with every GetClip holding one slot of the fleet budget while its request is in flight. The slot is taken
 * after the stream's own pacing wait (so a stream waiting for its per-stream quota holds nothing) and given back
 * when the call ends, whatever its outcome.
 */
export function budgetedPort(port: KvsPort, budget: FleetBudget, stream: string): KvsPort {
  return {
    ...port,
    getClip: async (range, options) => {
      let release: Release | undefined;
      try {
        return await port.getClip(range, {
          ...options,
          beforeSend: async () => {
            await options.beforeSend();
            release ??= await budget.acquire(stream, options.signal);
          },
        });
      } finally {
        release?.();
      }
    },
  };
}
