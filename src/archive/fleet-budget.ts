// The fleet-wide `--concurrency N` budget of `kvs-clip archive` (docs/archive.md): at most N GetClip calls in
// flight across all streams. Waiters are served round-robin by stream, so one stream catching up on a long backlog
// cannot starve the others. No timers and no I/O: callers hold a slot for the length of one call.

/** Gives a slot back; calling it twice is a no-op. */
export type Release = () => void;

type Waiter = { grant: (release: Release) => void };

export type FleetBudget = {
  /** Waits for a slot for `stream`; rejects with the signal's reason if `signal` aborts first. */
  acquire(stream: string, signal?: AbortSignal): Promise<Release>;
  /** Slots held now (for the totals line and tests). */
  inFlight(): number;
};

export function createFleetBudget(limit: number): FleetBudget {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a whole number ≥ 1: ${limit}`);
  let held = 0;
  // Insertion order of the map is the round-robin order; a stream moves to the back after being served.
  const queues = new Map<string, Waiter[]>();

  const release = (): Release => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      held -= 1;
      grantNext();
    };
  };

  const grantNext = (): void => {
    while (held < limit) {
      const next = queues.entries().next();
      if (next.done === true) return;
      const [stream, waiters] = next.value;
      queues.delete(stream);
      const waiter = waiters.shift();
      if (waiters.length > 0) queues.set(stream, waiters);
      if (waiter === undefined) continue;
      held += 1;
      waiter.grant(release());
    }
  };

  return {
    acquire(stream, signal) {
      if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
      if (held < limit && queues.size === 0) {
        held += 1;
        return Promise.resolve(release());
      }
      return new Promise<Release>((resolve, reject) => {
        const onAbort = (): void => {
          const waiters = queues.get(stream) ?? [];
          const at = waiters.indexOf(waiter);
          if (at >= 0) waiters.splice(at, 1);
          if (waiters.length === 0) queues.delete(stream);
          reject(signal?.reason as Error);
        };
        const waiter: Waiter = {
          grant: (slot) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(slot);
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queues.set(stream, [...(queues.get(stream) ?? []), waiter]);
      });
    },
    inFlight: () => held,
  };
}
