import { describe, expect, it } from 'vitest';
import { HEADROOM_BYTES, growingPercentFor } from '../../src/runtime/heap-headroom.js';

const MB = 1024 * 1024;

describe('growingPercentFor', () => {
  it('puts the old-generation limit the headroom above a small live heap', () => {
    const live = 12 * MB;
    const percent = growingPercentFor(live);
    expect(live * (percent / 100)).toBeGreaterThanOrEqual(HEADROOM_BYTES);
    expect(live * ((percent - 1) / 100)).toBeLessThan(HEADROOM_BYTES);
  });

  it('asks for less growth as the live heap grows, never more room than the headroom', () => {
    const small = growingPercentFor(16 * MB);
    const large = growingPercentFor(128 * MB);
    expect(large).toBeLessThan(small);
    expect(128 * MB * (large / 100)).toBeLessThan(HEADROOM_BYTES + 2 * MB);
  });

  it('leaves V8 its own factor once its smallest growth already gives that much room', () => {
    expect(growingPercentFor(10 * HEADROOM_BYTES)).toBe(0);
    expect(growingPercentFor(10 * HEADROOM_BYTES - MB)).toBeGreaterThan(0);
  });

  it('treats an empty heap as one of 1 MiB (a finite percent)', () => {
    expect(growingPercentFor(0)).toBe(growingPercentFor(MB));
    expect(Number.isFinite(growingPercentFor(0))).toBe(true);
  });
});
