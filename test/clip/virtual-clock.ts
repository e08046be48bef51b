/**
 * A virtual clock shared by runGet and the emulator in e2e tests: `sleep` returns at once but moves the clock to the
 * sleeper's wake-up time, so backoff and pacing are exercised in full without real waiting, and the emulator's
 * quota windows see the same time as the pacer.
 */
export type VirtualClock = {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Every sleep requested, in order. */
  readonly sleeps: number[];
  advance(ms: number): void;
};

export function virtualClock(startMs: number): VirtualClock {
  let nowMs = startMs;
  const sleeps: number[] = [];
  return {
    now: () => nowMs,
    sleep: (ms) => {
      sleeps.push(ms);
      nowMs += Math.max(0, ms);
      return new Promise((resolve) => setImmediate(resolve));
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
