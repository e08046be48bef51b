import { describe, expect, it } from 'vitest';
import { DEFAULT_PACER_OPTIONS, createPacer } from '../../src/download/pacer.js';
import type { SpacingPolicy } from '../../src/download/learned-spacing.js';

/** A policy with round numbers: a 0 ms guard at the start and floor, 500 ms step, no creep unless asked. */
const EXACT: SpacingPolicy = { initialGuardMs: 0, floorGuardMs: 0, stepGuardMs: 500, creep: 0, maxSlowdown: 8 };
const exact = { ...DEFAULT_PACER_OPTIONS, spacing: EXACT };

describe('createPacer', () => {
  it('lets the first GetClip go at once and spaces the next ones one learned interval apart', () => {
    const p = createPacer(exact, 0);
    expect(p.reserveGetClip(10, 0)).toBe(0);
    expect(p.reserveGetClip(10, 0)).toBe(1000);
    expect(p.reserveGetClip(10, 0)).toBe(2000);
    expect(p.reserveGetClip(10, 5000)).toBe(0);
  });

  it('starts a little over the documented 1 GetClip/s by default', () => {
    const p = createPacer(DEFAULT_PACER_OPTIONS, 0);
    expect(p.reserveGetClip(10, 0)).toBe(0);
    const second = p.reserveGetClip(10, 0);
    expect(second).toBeGreaterThan(1000);
    expect(second).toBeLessThanOrEqual(1025);
    expect(p.rateFactor).toBeGreaterThan(0.97);
    expect(p.rateFactor).toBeLessThan(1);
  });

  it('holds a call one interval after the previous call actually left whose timer fired late', () => {
    const p = createPacer(exact, 0);
    expect(p.reserveGetClip(1, 0)).toBe(0);
    expect(p.reserveGetClip(1, 0)).toBe(1000);
    // The first call's slot was 0, but a busy event loop let it leave only at 80 ms.
    expect(p.confirmGetClip(80)).toBe(0);
    // The second one wakes on time at 1000 ms: it must wait until 1080 ms, then it is sent.
    expect(p.confirmGetClip(1000)).toBe(80);
    expect(p.confirmGetClip(1080)).toBe(0);
    expect(p.confirmGetClip(1500)).toBe(580);
  });

  it('confirms every call at once while unpaced', () => {
    const p = createPacer({ ...exact, unpacedUntilThrottle: true }, 0);
    expect([0, 1, 2].map((at) => p.confirmGetClip(at))).toEqual([0, 0, 0]);
  });

  it('queues concurrent reservations behind each other', () => {
    const p = createPacer(exact, 0);
    const waits = [0, 0, 0, 0].map(() => p.reserveGetClip(1, 100));
    expect(waits).toEqual([0, 1000, 2000, 3000]);
  });

  it('keeps 200-fragment calls at 1 call/s when the default fragment rate (250/s) leaves room', () => {
    const p = createPacer(exact, 0);
    // The bucket refills 250 per second and each call spends 200, so the 1 call/s bucket is the one that binds.
    expect([0, 0, 0, 0].map(() => p.reserveGetClip(200, 0))).toEqual([0, 1000, 2000, 3000]);
  });

  it('lets the fragment budget bind when it is lower than the call rate', () => {
    const p = createPacer({ ...exact, fragmentsPerSecond: 100 }, 0);
    expect(p.reserveGetClip(100, 0)).toBe(0);
    expect(p.reserveGetClip(200, 0)).toBe(1000);
    // The 200-fragment call left a 100-token debt at t=1000: the next 100 need 2 s more.
    expect(p.reserveGetClip(100, 0)).toBe(3000);
  });

  it('backs the call spacing off on each call throttle, doubling the guard up to 8× the interval', () => {
    const p = createPacer(exact, 0);
    expect(p.reserveGetClip(1, 0)).toBe(0);
    p.noteThrottle('calls');
    // Guard 500 ms: 1.5 s apart.
    expect(p.reserveGetClip(1, 0)).toBe(1500);
    expect(p.rateFactor).toBeCloseTo(1 / 1.5);
    for (let i = 0; i < 6; i++) p.noteThrottle('calls');
    expect(p.rateFactor).toBeCloseTo(1 / 8);
    expect(p.reserveGetClip(1, 1500)).toBe(8000);
    expect(p.fragmentFactor).toBe(1);
  });

  it('creeps back towards the quota with every call reserved after a throttle', () => {
    const p = createPacer({ ...exact, spacing: { ...EXACT, creep: 0.5 } }, 0);
    p.reserveGetClip(1, 0);
    p.noteThrottle('calls');
    // Each reservation halves the 500 ms guard after it is charged: 1500, then +1250, then +1125 …
    const at = [0, 0, 0].map(() => p.reserveGetClip(1, 0));
    expect(at).toEqual([1500, 2750, 3875]);
    for (let i = 0; i < 40; i++) p.reserveGetClip(1, 0);
    expect(p.rateFactor).toBeCloseTo(1, 6);
  });

  it('halves only the fragment rate on a fragment-points throttle, and gives it back call by call', () => {
    const p = createPacer({ ...exact, fragmentsPerSecond: 100 }, 0);
    p.noteThrottle('points');
    expect(p.fragmentFactor).toBe(0.5);
    expect(p.rateFactor).toBe(1);
    expect(p.reserveGetClip(100, 0)).toBe(0);
    // 50 fragments/s now, slightly more after the call: the next 100 take just under 2 s.
    const next = p.reserveGetClip(100, 0);
    expect(next).toBeGreaterThan(1800);
    expect(next).toBeLessThan(2000);
    for (let i = 0; i < 60; i++) p.reserveGetClip(1, 0);
    expect(p.fragmentFactor).toBe(1);
  });

  it('backs both off when the throttle does not say what it was about', () => {
    const p = createPacer(exact, 0);
    p.noteThrottle();
    expect(p.fragmentFactor).toBe(0.5);
    expect(p.rateFactor).toBeCloseTo(1 / 1.5);
  });

  it('paces ListFragments at 5 per second, separately from GetClip, and backs it off on a list throttle', () => {
    const p = createPacer(exact, 0);
    expect([0, 0, 0].map(() => p.reserveListFragments(0))).toEqual([0, 200, 400]);
    expect(p.reserveGetClip(1, 0)).toBe(0);
    p.noteListThrottle();
    expect(p.reserveListFragments(0)).toBe(1100);
    expect(p.rateFactor).toBe(1);
  });

  describe('unpaced until the first throttle (--no-pacing)', () => {
    const unpaced = { ...exact, unpacedUntilThrottle: true };

    it('reserves every GetClip and ListFragments call with zero wait before any throttle', () => {
      const p = createPacer(unpaced, 0);
      expect([0, 0, 0, 0].map(() => p.reserveGetClip(200, 10))).toEqual([0, 0, 0, 0]);
      expect([0, 0, 0].map(() => p.reserveListFragments(10))).toEqual([0, 0, 0]);
      expect(p.paced).toBe(false);
      expect(p.rateFactor).toBe(1);
    });

    it('turns pacing on at the starting rates on the first throttle, as if the run had just started', () => {
      const p = createPacer(unpaced, 0);
      for (let i = 0; i < 10; i++) p.reserveGetClip(200, 0);
      p.noteThrottle('calls');
      expect(p.paced).toBe(true);
      expect(p.rateFactor).toBe(1);
      // The calls made while unpaced left no debt behind.
      expect([0, 0, 0].map(() => p.reserveGetClip(1, 5000))).toEqual([0, 1000, 2000]);
      expect([0, 0].map(() => p.reserveListFragments(5000))).toEqual([0, 200]);
    });

    it('turns pacing on for a throttled listing too', () => {
      const p = createPacer(unpaced, 0);
      p.noteListThrottle();
      expect(p.paced).toBe(true);
      expect([0, 0].map(() => p.reserveGetClip(1, 0))).toEqual([0, 1000]);
    });

    it('backs off on each further throttle, like the paced pacer', () => {
      const p = createPacer(unpaced, 0);
      p.noteThrottle('calls');
      p.noteThrottle('calls');
      expect(p.reserveGetClip(1, 1000)).toBe(0);
      expect(p.reserveGetClip(1, 1000)).toBe(1500);
    });

    it('is paced from the start without the option', () => {
      const p = createPacer({ ...unpaced, unpacedUntilThrottle: false }, 0);
      expect(p.paced).toBe(true);
      expect([0, 0].map(() => p.reserveGetClip(1, 0))).toEqual([0, 1000]);
    });
  });
});
