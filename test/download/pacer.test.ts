import { describe, expect, it } from 'vitest';
import { DEFAULT_PACER_OPTIONS, createPacer } from '../../src/download/pacer.js';

describe('createPacer', () => {
  it('lets the first GetClip go at once and spaces the next ones 1 s apart', () => {
    const p = createPacer(DEFAULT_PACER_OPTIONS, 0);
    expect(p.reserveGetClip(10, 0)).toBe(0);
    expect(p.reserveGetClip(10, 0)).toBe(1000);
    expect(p.reserveGetClip(10, 0)).toBe(2000);
    expect(p.reserveGetClip(10, 5000)).toBe(0);
  });

  it('queues concurrent reservations behind each other', () => {
    const p = createPacer(DEFAULT_PACER_OPTIONS, 0);
    const waits = [0, 0, 0, 0].map(() => p.reserveGetClip(1, 100));
    expect(waits).toEqual([0, 1000, 2000, 3000]);
  });

  it('keeps 200-fragment calls at 1 call/s when the default fragment rate (250/s) leaves room', () => {
    const p = createPacer(DEFAULT_PACER_OPTIONS, 0);
    // The bucket refills 250 per second and each call spends 200, so the 1 call/s bucket is the one that binds.
    expect(p.reserveGetClip(200, 0)).toBe(0);
    expect(p.reserveGetClip(200, 0)).toBe(1000);
    expect(p.reserveGetClip(200, 0)).toBe(2000);
    expect(p.reserveGetClip(200, 0)).toBe(3000);
  });

  it('lets the fragment budget bind when it is lower than the call rate', () => {
    const p = createPacer({ ...DEFAULT_PACER_OPTIONS, fragmentsPerSecond: 100 }, 0);
    expect(p.reserveGetClip(100, 0)).toBe(0);
    expect(p.reserveGetClip(200, 0)).toBe(1000);
    // The 200-fragment call left a 100-token debt at t=1000: the next 100 need 2 s more.
    expect(p.reserveGetClip(100, 0)).toBe(3000);
  });

  it('halves the GetClip rate after each throttle, down to one eighth', () => {
    const p = createPacer(DEFAULT_PACER_OPTIONS, 0);
    expect(p.reserveGetClip(1, 0)).toBe(0);
    p.noteThrottle();
    expect(p.rateFactor).toBe(0.5);
    expect(p.reserveGetClip(1, 0)).toBe(2000);
    for (let i = 0; i < 5; i++) p.noteThrottle();
    expect(p.rateFactor).toBe(0.125);
    expect(p.reserveGetClip(1, 2000)).toBe(8000);
  });

  it('paces ListFragments at 5 per second, separately from GetClip', () => {
    const p = createPacer(DEFAULT_PACER_OPTIONS, 0);
    expect([0, 0, 0].map(() => p.reserveListFragments(0))).toEqual([0, 200, 400]);
    expect(p.reserveGetClip(1, 0)).toBe(0);
  });

  describe('unpaced until the first throttle (--no-pacing)', () => {
    const unpaced = {
      getClipPerSecond: 0.8,
      fragmentsPerSecond: 250,
      listFragmentsPerSecond: 4,
      unpacedUntilThrottle: true,
    };

    it('reserves every GetClip and ListFragments call with zero wait before any throttle', () => {
      const p = createPacer(unpaced, 0);
      expect([0, 0, 0, 0].map(() => p.reserveGetClip(200, 10))).toEqual([0, 0, 0, 0]);
      expect([0, 0, 0].map(() => p.reserveListFragments(10))).toEqual([0, 0, 0]);
      expect(p.paced).toBe(false);
      expect(p.rateFactor).toBe(1);
    });

    it('turns pacing on at the full quota rates on the first throttle, as if the run had just started', () => {
      const p = createPacer(unpaced, 0);
      for (let i = 0; i < 10; i++) p.reserveGetClip(200, 0);
      p.noteThrottle();
      expect(p.paced).toBe(true);
      expect(p.rateFactor).toBe(1);
      // 0.8 calls/s: 1250 ms apart, and the calls made while unpaced left no debt behind.
      expect([0, 0, 0].map(() => p.reserveGetClip(1, 5000))).toEqual([0, 1250, 2500]);
      expect([0, 0].map(() => p.reserveListFragments(5000))).toEqual([0, 250]);
    });

    it('halves the rates on each further throttle, like the paced pacer', () => {
      const p = createPacer(unpaced, 0);
      p.noteThrottle();
      p.noteThrottle();
      expect(p.rateFactor).toBe(0.5);
      expect(p.reserveGetClip(1, 1000)).toBe(0);
      expect(p.reserveGetClip(1, 1000)).toBe(2500);
    });

    it('is paced from the start without the option', () => {
      const p = createPacer({ ...unpaced, unpacedUntilThrottle: false }, 0);
      expect(p.paced).toBe(true);
      expect([0, 0].map(() => p.reserveGetClip(1, 0))).toEqual([0, 1250]);
    });
  });
});
