import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/usage-error.js';
import { parseDuration } from '../../src/time/parse-duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
    ['2 hours', 7_200_000],
    ['1 hour 30 minutes', 5_400_000],
    ['10 MIN', 600_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'ten minutes', '10', '10x', '1h-30m', '1mo', 'h'])('rejects %j with E_TIME_PARSE', (text) => {
    expect(() => parseDuration(text, { option: '--last' })).toThrow(UsageError);
    expect(() => parseDuration(text, { option: '--last' })).toThrow(`Could not parse --last "${text}"`);
  });

  it('rejects zero unless allowed, as for --settle 0', () => {
    expect(() => parseDuration('0s')).toThrow(UsageError);
    expect(parseDuration('0s', { option: '--settle', allowZero: true })).toBe(0);
  });
});
