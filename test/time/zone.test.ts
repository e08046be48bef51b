import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/usage-error.js';
import { parseInstant } from '../../src/time/parse-instant.js';
import { resolveWindow } from '../../src/time/resolve-window.js';
import { validateTimeZone, wallClockToInstant, zoneOffsetMs } from '../../src/time/zone.js';

const at = (iso: string): number => Date.parse(iso);
const wall = (year: number, month: number, day: number, hour: number, minute = 0) => ({
  year,
  month,
  day,
  hour,
  minute,
  second: 0,
  millisecond: 0,
});

describe('validateTimeZone', () => {
  it('accepts IANA names and returns the canonical spelling', () => {
    expect(validateTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(validateTimeZone('UTC')).toBe('UTC');
  });

  it('throws a usage error naming the unknown zone', () => {
    expect(() => validateTimeZone('Europe/Berln')).toThrow(UsageError);
    expect(() => validateTimeZone('Europe/Berln')).toThrow('Unknown time zone "Europe/Berln"');
  });
});

describe('zone offsets resolved at the parsed instant (DST)', () => {
  it('reads the offset of Europe/Berlin in winter and summer', () => {
    expect(zoneOffsetMs('Europe/Berlin', at('2025-01-15T12:00:00Z'))).toBe(3_600_000);
    expect(zoneOffsetMs('Europe/Berlin', at('2025-06-15T12:00:00Z'))).toBe(7_200_000);
    expect(zoneOffsetMs('America/New_York', at('2025-06-15T12:00:00Z'))).toBe(-14_400_000);
  });

  it('moves a wall clock inside the Berlin spring-forward gap forward by the gap', () => {
    expect(wallClockToInstant(wall(2025, 3, 30, 1, 30), 'Europe/Berlin')).toBe(at('2025-03-30T00:30:00Z'));
    expect(wallClockToInstant(wall(2025, 3, 30, 2, 30), 'Europe/Berlin')).toBe(at('2025-03-30T01:30:00Z'));
    expect(wallClockToInstant(wall(2025, 3, 30, 3, 30), 'Europe/Berlin')).toBe(at('2025-03-30T01:30:00Z'));
  });

  it('takes the earlier instant for a wall clock in the Berlin fall-back overlap', () => {
    expect(parseInstant('2025-10-26 02:30', { nowMs: at('2025-11-01T00:00:00Z'), timeZone: 'Europe/Berlin' })).toBe(
      at('2025-10-26T00:30:00Z'),
    );
    expect(parseInstant('2025-10-26 03:30', { nowMs: at('2025-11-01T00:00:00Z'), timeZone: 'Europe/Berlin' })).toBe(
      at('2025-10-26T02:30:00Z'),
    );
  });

  it('resolves "yesterday 3pm" with the offset of yesterday, not of now, across the New York spring-forward', () => {
    // Now is Sunday 2025-03-09 12:00 EDT; Saturday 15:00 was still EST (-05:00).
    const ctx = { nowMs: at('2025-03-09T16:00:00Z'), timeZone: 'America/New_York' };
    expect(parseInstant('yesterday 3pm', ctx)).toBe(at('2025-03-08T20:00:00Z'));
    expect(parseInstant('2025-03-09 02:30', ctx)).toBe(at('2025-03-09T07:30:00Z'));
  });

  it('makes "yesterday" 23 hours long on the Berlin spring-forward day', () => {
    const window = resolveWindow(
      { range: 'yesterday' },
      { nowMs: at('2025-03-31T10:00:00Z'), timeZone: 'Europe/Berlin' },
    );
    expect(window).toMatchObject({ startMs: at('2025-03-29T23:00:00Z'), endMs: at('2025-03-30T22:00:00Z') });
    expect(window.description).toContain('(23h, tz Europe/Berlin)');
  });

  it('makes "yesterday" 25 hours long on the New York fall-back day', () => {
    const ctx = { nowMs: at('2025-11-03T12:00:00Z'), timeZone: 'America/New_York' };
    expect(resolveWindow({ range: 'yesterday' }, ctx)).toMatchObject({
      startMs: at('2025-11-02T04:00:00Z'),
      endMs: at('2025-11-03T05:00:00Z'),
    });
    expect(parseInstant('2025-11-02 01:30', ctx)).toBe(at('2025-11-02T05:30:00Z'));
  });

  it('gives the same answers whatever the process time zone is', () => {
    const ctx = { nowMs: at('2025-03-09T16:00:00Z'), timeZone: 'America/New_York' };
    const inputs = ['yesterday 3pm', '3pm', 'monday 3pm', 'today', '2 hours ago', '2025-03-09 02:30', 'midnight'];
    const previous = process.env['TZ'];
    try {
      process.env['TZ'] = 'UTC';
      const inUtc = inputs.map((text) => parseInstant(text, ctx));
      process.env['TZ'] = 'Asia/Kathmandu';
      expect(new Date(2025, 0, 1).getTimezoneOffset()).toBe(-345);
      expect(inputs.map((text) => parseInstant(text, ctx))).toEqual(inUtc);
      process.env['TZ'] = 'America/Los_Angeles';
      expect(inputs.map((text) => parseInstant(text, ctx))).toEqual(inUtc);
    } finally {
      if (previous === undefined) delete process.env['TZ'];
      else process.env['TZ'] = previous;
    }
  });
});
