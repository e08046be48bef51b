/**
 * The one seeded pseudo-random source for tests (mulberry32): floats in [0, 1), identical for a seed, so a failing
 * fuzz case, kill point or fragment listing can be replayed. (The emulator has its own copy on purpose: it may not
 * share code with its clients' tests.)
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
