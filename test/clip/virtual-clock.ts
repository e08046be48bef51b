/**
 * A virtual clock shared by runGet and the emulator in e2e tests, so backoff and pacing run in full without real
 * waiting while the emulator's quota windows see the same time as the pacer.
 *
 * Sleeps are timers on a virtual queue, fired one at a time in order of their wake-up time: the clock jumps to the
 * earliest wake-up, that sleeper resumes, and the next timer fires only once no released request is still on its way
 * (and after a short real pause), so requests a resumed task sends reach the emulator before the clock jumps again. A sleep never moves the clock for
 * a task that is already sending at an earlier virtual time.
 */
export type VirtualClock = {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Every sleep requested, in order. */
  readonly sleeps: number[];
  advance: (ms: number) => void;
};

const SETTLE_REAL_MS = 5;

/**
 * `busy()` tells whether a request has been released by its pacer but not answered yet: the clock waits for it, so
 * its arrival is logged at the virtual time its pacer reserved.
 */
export function virtualClock(startMs: number, options: { busy?: () => boolean } = {}): VirtualClock {
  let nowMs = startMs;
  const sleeps: number[] = [];
  const timers: { atMs: number; seq: number; resolve: () => void }[] = [];
  let seq = 0;
  let pump: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (pump !== undefined || timers.length === 0) return;
    pump = setTimeout(() => {
      pump = undefined;
      if (options.busy?.() === true) {
        schedule();
        return;
      }
      timers.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
      const next = timers.shift();
      if (next !== undefined) {
        nowMs = Math.max(nowMs, next.atMs);
        next.resolve();
      }
      schedule();
    }, SETTLE_REAL_MS);
  };
  return {
    now: () => nowMs,
    sleep: (ms) => {
      sleeps.push(ms);
      if (ms <= 0) return new Promise((resolve) => setImmediate(resolve));
      return new Promise<void>((resolve) => {
        timers.push({ atMs: nowMs + ms, seq: seq++, resolve });
        schedule();
      });
    },
    sleeps,
    advance: (ms) => {
      nowMs += ms;
    },
  };
}

/** A seeded random source (mulberry32) in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
