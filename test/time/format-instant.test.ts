import { describe, expect, it } from 'vitest';
import { describeWindow } from '../../src/time/describe-window.js';
import { formatDuration } from '../../src/time/format-duration.js';
import { formatInstant } from '../../src/time/format-instant.js';
import { parseDuration } from '../../src/time/parse-duration.js';

describe('formatInstant', () => {
  it('prints ISO UTC without milliseconds when they are zero', () => {
    expect(formatInstant(Date.UTC(2025, 5, 14, 13))).toBe('2025-06-14T13:00:00Z');
  });

  it('keeps non-zero milliseconds', () => {
    expect(formatInstant(Date.UTC(2025, 5, 14, 12, 59, 58, 120))).toBe('2025-06-14T12:59:58.120Z');
  });
});

describe('formatDuration', () => {
  it.each([
    [3_600_000, '1h'],
    [5_400_000, '1h30m'],
    [172_800_000, '2d'],
    [45_000, '45s'],
    [62_500, '1m2.5s'],
    [250, '250ms'],
    [0, '0ms'],
    [90_061_000, '1d1h1m1s'],
    [-60_000, '-1m'],
    [3_602_000, '1h0m2s'],
    [86_460_000, '1d0h1m'],
    [3_600_500, '1h0m0.5s'],
  ])('prints %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('prints what parseDuration reads back', () => {
    for (const ms of [1, 999, 1000, 62_500, 5_400_000, 90_061_000, 1_209_600_000, 3_602_000, 86_460_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});

describe('describeWindow', () => {
  it('prints the echo line of docs/planning.md, "Time ranges"', () => {
    const window = { startMs: Date.UTC(2025, 5, 14, 13), endMs: Date.UTC(2025, 5, 14, 14) };
    expect(describeWindow(window, { timeZone: 'Europe/Berlin', selector: 'server' })).toBe(
      'Window 2025-06-14T13:00:00Z → 2025-06-14T14:00:00Z (1h, server timestamps, tz Europe/Berlin)',
    );
    expect(describeWindow(window, { timeZone: 'UTC' })).toBe(
      'Window 2025-06-14T13:00:00Z → 2025-06-14T14:00:00Z (1h, tz UTC)',
    );
  });
});
