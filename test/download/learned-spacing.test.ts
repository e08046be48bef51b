import { describe, expect, it } from 'vitest';
import { DEFAULT_PACER_OPTIONS, createPacer } from '../../src/download/pacer.js';
import {
  DEFAULT_SPACING_POLICY,
  backOff,
  creepUp,
  intervalMs,
  startSpacing,
} from '../../src/download/learned-spacing.js';

/** Deterministic uniform [0, 1) (a 32-bit LCG), so the simulated runs are reproducible. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A GetClip run against a 1 call/s service that admits a call only ≥ 1000 ms after the previous admitted arrival
 * (the emulator's sliding window). Each request arrives `lag` after the instant it was reserved for; a throttled call
 * is retried after a full-jitter 0–1 s backoff, through the pacer again. Only the clock is simulated.
 */
function simulate(options: { calls: number; lag: () => number; bodyMs: number }) {
  const pacer = createPacer(DEFAULT_PACER_OPTIONS, 0);
  const random = lcg(7);
  let now = 0;
  let lastAdmitted = -Infinity;
  let firstAdmitted = NaN;
  let throttles = 0;
  for (let admitted = 0; admitted < options.calls;) {
    const sendAt = now + pacer.reserveGetClip(100, now);
    const arrival = sendAt + options.lag();
    if (arrival - lastAdmitted < 1000) {
      throttles++;
      pacer.noteThrottle('calls');
      now = arrival + random() * 1000;
      continue;
    }
    if (admitted === 0) firstAdmitted = arrival;
    lastAdmitted = arrival;
    admitted++;
    now = sendAt + options.bodyMs;
  }
  const callsPerSecond = ((options.calls - 1) * 1000) / (lastAdmitted - firstAdmitted);
  return { throttles, callsPerSecond };
}

describe('learned call spacing', () => {
  it('averages within 5 % of 1 GetClip/s with at most one throttle per 100 calls when the lag jitters by 30 ms', () => {
    const jitter = lcg(42);
    const run = simulate({ calls: 1000, lag: () => 5 + jitter() * 30, bodyMs: 300 });
    expect(run.throttles).toBeLessThanOrEqual(10);
    expect(run.callsPerSecond).toBeGreaterThan(0.95);
    expect(run.callsPerSecond).toBeLessThan(1);
  });

  it('learns a larger guard when the lag jitters by 200 ms, still faster than a fixed 20 % margin, rarely throttled', () => {
    // Any spacing under 1200 ms can meet a lag 200 ms shorter than the one before: 0.83 calls/s is the throttle-free
    // rate here.
    const jitter = lcg(3);
    const run = simulate({ calls: 1000, lag: () => jitter() * 200, bodyMs: 300 });
    expect(run.throttles).toBeLessThanOrEqual(10);
    expect(run.callsPerSecond).toBeGreaterThan(0.8);
  });

  it('does not throttle a short run when the lag is steady', () => {
    const run = simulate({ calls: 20, lag: () => 40, bodyMs: 300 });
    expect(run.throttles).toBe(0);
    expect(run.callsPerSecond).toBeGreaterThan(0.97);
  });

  it('doubles the guard on a throttle, creeps it back to the floor, and never slows down more than 8×', () => {
    const policy = DEFAULT_SPACING_POLICY;
    const spacing = startSpacing(1, policy);
    expect(intervalMs(spacing)).toBe(1000 + policy.initialGuardMs);
    backOff(spacing, policy);
    expect(spacing.guardMs).toBe(policy.stepGuardMs);
    backOff(spacing, policy);
    expect(spacing.guardMs).toBe(2 * policy.stepGuardMs);
    for (let i = 0; i < 5000; i++) creepUp(spacing, policy);
    expect(spacing.guardMs).toBe(policy.floorGuardMs);
    for (let i = 0; i < 20; i++) backOff(spacing, policy);
    expect(intervalMs(spacing)).toBe(8000);
  });
});
