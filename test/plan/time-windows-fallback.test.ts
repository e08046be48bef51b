import { describe, expect, it } from 'vitest';
import { timeWindowsFallback } from '../../src/plan/time-windows-fallback.js';
import { T0 } from './fragment-fixtures.js';

describe('timeWindowsFallback', () => {
  it('starts with a 3-minute window whose inclusive End stops 1 ms before the next window', () => {
    const fallback = timeWindowsFallback({ startMs: T0, endMs: T0 + 3_600_000 });
    expect(fallback.first).toEqual({ startMs: T0, endMs: T0 + 179_999, stepMs: 180_000 });
    const decision = fallback.advance(fallback.first!, { kind: 'fetched', sizeBytes: 50_000_000 });
    expect(decision).toEqual({
      accept: true,
      possiblyTruncated: false,
      next: { startMs: T0 + 180_000, endMs: T0 + 359_999, stepMs: 180_000 },
    });
  });

  it('discards a body near the 100 MB cap and refetches the same start with half the step', () => {
    const fallback = timeWindowsFallback({ startMs: T0, endMs: T0 + 3_600_000 });
    const decision = fallback.advance(fallback.first!, { kind: 'fetched', sizeBytes: 99_000_000 });
    expect(decision).toEqual({
      accept: false,
      possiblyTruncated: false,
      next: { startMs: T0, endMs: T0 + 89_999, stepMs: 90_000 },
    });
  });

  it('grows after small bodies and empty windows, up to 200 s so the 200-fragment cap cannot bind', () => {
    const fallback = timeWindowsFallback({ startMs: T0, endMs: T0 + 3_600_000 }, { stepMs: 60_000 });
    const afterSmall = fallback.advance(fallback.first!, { kind: 'fetched', sizeBytes: 1000 });
    expect(afterSmall.next?.stepMs).toBe(120_000);
    const afterEmpty = fallback.advance(afterSmall.next!, { kind: 'empty' });
    expect(afterEmpty).toMatchObject({ accept: false, next: { startMs: T0 + 180_000, stepMs: 200_000 } });
  });

  it('keeps a possibly truncated body once the step cannot shrink further, and says so', () => {
    const fallback = timeWindowsFallback({ startMs: T0, endMs: T0 + 10_000 }, { stepMs: 1000 });
    expect(fallback.advance(fallback.first!, { kind: 'truncated' })).toMatchObject({
      accept: true,
      possiblyTruncated: true,
    });
  });

  it('ends exactly at the window end and then stops', () => {
    const fallback = timeWindowsFallback({ startMs: T0, endMs: T0 + 250_000 });
    const second = fallback.advance(fallback.first!, { kind: 'fetched', sizeBytes: 50_000_000 }).next;
    expect(second).toEqual({ startMs: T0 + 180_000, endMs: T0 + 250_000, stepMs: 180_000 });
    expect(fallback.advance(second!, { kind: 'fetched', sizeBytes: 50_000_000 }).next).toBeNull();
  });

  it('rejects a reversed window', () => {
    expect(() => timeWindowsFallback({ startMs: T0, endMs: T0 - 1 })).toThrow(RangeError);
  });
});
