import { describe, expect, it } from 'vitest';
import { BURST_BYTES, HEADROOM_BYTES, growingPercentFor } from '../../src/runtime/heap-headroom.js';

const MB = 1024 * 1024;
const BURST = BURST_BYTES;

describe('growingPercentFor', () => {
  it('puts the old-generation limit the headroom above a small live heap for a large body', () => {
    const live = 12 * MB;
    const percent = growingPercentFor(live, 95 * MB);
    expect(live * (percent / 100)).toBeGreaterThanOrEqual(HEADROOM_BYTES);
    expect(live * ((percent - 1) / 100)).toBeLessThan(HEADROOM_BYTES);
  });

  it('asks for less growth as the live heap grows, never more room than the headroom', () => {
    const small = growingPercentFor(16 * MB, BURST);
    const large = growingPercentFor(128 * MB, BURST);
    expect(large).toBeLessThan(small);
    expect(128 * MB * (large / 100)).toBeLessThan(HEADROOM_BYTES + 2 * MB);
  });

  it('leaves V8 its own factor for a body below a burst', () => {
    expect(growingPercentFor(12 * MB, BURST - 1)).toBe(0);
    expect(growingPercentFor(12 * MB, 4.5 * MB)).toBe(0);
  });

  it('leaves V8 its own factor once its smallest growth already gives that much room', () => {
    expect(growingPercentFor(10 * HEADROOM_BYTES, BURST)).toBe(0);
    expect(growingPercentFor(10 * HEADROOM_BYTES - MB, BURST)).toBeGreaterThan(0);
  });

  it('treats an empty heap as one of 1 MiB (a finite percent)', () => {
    expect(growingPercentFor(0, BURST)).toBe(growingPercentFor(MB, BURST));
    expect(Number.isFinite(growingPercentFor(0, BURST))).toBe(true);
  });
});
