import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/usage-error.js';
import { parseInstant } from '../../src/time/parse-instant.js';

// Sunday 2025-06-15 12:00 UTC, the reference of the docs/planning.md, "Time ranges" tables (14:00 in Berlin, CEST).
const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const berlin = { nowMs: NOW, timeZone: 'Europe/Berlin' };
const utc = { nowMs: NOW, timeZone: 'UTC' };
const at = (iso: string): number => Date.parse(iso);

function parseError(text: string, ctx: { nowMs: number; timeZone: string; option?: string }): UsageError {
  try {
    parseInstant(text, ctx);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`parsed "${text}" without error`);
}

describe('parseInstant layer 1: epoch', () => {
  it.each([
    ['@1718370000', 1_718_370_000_000],
    ['1718370000', 1_718_370_000_000],
    ['1718370000123', 1_718_370_000_123],
    ['@1718370000123', 1_718_370_000_123],
    ['@1718370000.5', 1_718_370_000_500],
  ])('reads %s as epoch seconds or milliseconds by digit count', (text, expected) => {
    expect(parseInstant(text, berlin)).toBe(expected);
  });

  it('rejects a bare number that is neither 10 nor 13 digits', () => {
    expect(parseError('12345', berlin).code).toBe('E_TIME_PARSE');
    expect(parseError('171837000012', berlin).code).toBe('E_TIME_PARSE');
  });
});

describe('parseInstant layer 2: ISO 8601 / RFC 3339', () => {
  it.each([
    ['2025-06-14T15:00:00Z', '2025-06-14T15:00:00Z'],
    ['2025-06-14t15:00:00z', '2025-06-14T15:00:00Z'],
    ['2025-06-14 15:00+02:00', '2025-06-14T13:00:00Z'],
    ['2025-06-14T15:00:00.250-0430', '2025-06-14T19:30:00.250Z'],
    ['2025-06-14 15:00', '2025-06-14T13:00:00Z'],
    ['2025-06-14', '2025-06-13T22:00:00Z'],
    ['20250614T150000Z', '2025-06-14T15:00:00Z'],
  ])('reads %s (naive times in Europe/Berlin)', (text, expected) => {
    expect(parseInstant(text, berlin)).toBe(at(expected));
  });

  it('lets an explicit offset win over --tz', () => {
    const tokyo = { nowMs: NOW, timeZone: 'Asia/Tokyo' };
    expect(parseInstant('2025-06-14 15:00+02:00', tokyo)).toBe(at('2025-06-14T13:00:00Z'));
    expect(parseInstant('2025-06-14 15:00', tokyo)).toBe(at('2025-06-14T06:00:00Z'));
    expect(parseInstant('3pm PST', tokyo)).toBe(at('2025-06-14T23:00:00Z'));
  });

  it('rejects impossible calendar dates instead of rolling them over', () => {
    expect(parseError('2025-02-30 10:00', berlin).code).toBe('E_TIME_PARSE');
    expect(parseError('2025-06-14 25:00', berlin).code).toBe('E_TIME_PARSE');
  });
});

describe('parseInstant layer 3: durations mean now − D', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['2h ago', 7_200_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['-15m', 900_000],
    ['1h ago', 3_600_000],
    ['500ms', 500],
    ['2 hours ago', 7_200_000],
    ['last 10 minutes', 600_000],
    ['past hour', 3_600_000],
  ])('reads %s', (text, back) => {
    expect(parseInstant(text, berlin)).toBe(NOW - back);
  });
});

describe('parseInstant layer 4: keywords in the zone (systemd meaning)', () => {
  it('reads now, today and yesterday as now and 00:00 of the day in the zone', () => {
    expect(parseInstant('now', berlin)).toBe(NOW);
    expect(parseInstant('today', berlin)).toBe(at('2025-06-14T22:00:00Z'));
    expect(parseInstant('Yesterday', berlin)).toBe(at('2025-06-13T22:00:00Z'));
    expect(parseInstant('yesterday', utc)).toBe(at('2025-06-14T00:00:00Z'));
  });

  it('uses the zone date, not the UTC date, just after local midnight', () => {
    const justAfterMidnight = { nowMs: at('2025-06-14T22:30:00Z'), timeZone: 'Europe/Berlin' };
    expect(parseInstant('today', justAfterMidnight)).toBe(at('2025-06-14T22:00:00Z'));
  });
});

describe('parseInstant layer 5: chrono-node with the kvs-clip corrections', () => {
  it.each([
    ['yesterday 14:00', berlin, '2025-06-14T12:00:00Z'],
    ['yesterday 3pm', berlin, '2025-06-14T13:00:00Z'],
    ['yesterday at 3pm', utc, '2025-06-14T15:00:00Z'],
    ['14 Jun 2025 15:00 +02:00', utc, '2025-06-14T13:00:00Z'],
    ['3pm CET', berlin, '2025-06-14T13:00:00Z'],
    ['noon CET', utc, '2025-06-15T10:00:00Z'],
    ['friday', utc, '2025-06-13T00:00:00Z'],
    ['last monday', utc, '2025-06-09T00:00:00Z'],
  ])('reads %s', (text, ctx, expected) => {
    expect(parseInstant(text, ctx)).toBe(at(expected));
  });

  it.each([
    ['3pm', '2025-06-14T15:00:00Z'],
    ['midnight', '2025-06-15T00:00:00Z'],
    ['monday 3pm', '2025-06-09T15:00:00Z'],
    ['3pm PST', '2025-06-14T23:00:00Z'],
    ['June 20', '2024-06-20T00:00:00Z'],
  ])('moves the future reading of %s back into the past', (text, expected) => {
    expect(parseInstant(text, utc)).toBe(at(expected));
  });

  it('keeps a time of day that already passed today', () => {
    expect(parseInstant('10:15', utc)).toBe(at('2025-06-15T10:15:00Z'));
  });

  it('rejects text chrono only partly understands', () => {
    expect(parseError('between 3pm and 4pm yesterday', utc).code).toBe('E_TIME_PARSE');
    expect(parseError('3pm banana', utc).code).toBe('E_TIME_PARSE');
  });

  it('rejects a range where one instant is expected', () => {
    const error = parseError('yesterday 3pm to 4pm', { ...utc, option: '--since' });
    expect(error.code).toBe('E_TIME_PARSE');
    expect(error.message).toContain('range');
  });
});

describe('parseInstant errors', () => {
  it('names the option and the value, with three examples, for garbage', () => {
    const error = parseError('yesterdy', { ...berlin, option: '--since' });
    expect(error.code).toBe('E_TIME_PARSE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'Could not parse --since "yesterdy": expected e.g. "2h ago", "2025-06-14 15:00", "yesterday 3pm"',
    );
  });

  it.each(['', '   ', 'banana', '1x', 'h', '@', 'ago'])('rejects %j', (text) => {
    expect(parseError(text, berlin).code).toBe('E_TIME_PARSE');
  });
});
