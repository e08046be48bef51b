import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/usage-error.js';
import type { WindowInput } from '../../src/time/resolve-window.js';
import { resolveWindow } from '../../src/time/resolve-window.js';

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const utc = { nowMs: NOW, timeZone: 'UTC' };
const berlin = { nowMs: NOW, timeZone: 'Europe/Berlin' };
const at = (iso: string): number => Date.parse(iso);
const span = (start: string, end: string) => ({ startMs: at(start), endMs: at(end) });

function usageError(input: WindowInput, ctx = utc): UsageError {
  try {
    resolveWindow(input, ctx);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`resolved ${JSON.stringify(input)} without error`);
}

describe('resolveWindow with flags', () => {
  it('runs --since until now by default and describes the window', () => {
    const window = resolveWindow({ since: '2h ago' }, berlin);
    expect(window).toEqual({
      ...span('2025-06-15T10:00:00Z', '2025-06-15T12:00:00Z'),
      description: 'Window 2025-06-15T10:00:00Z → 2025-06-15T12:00:00Z (2h, tz Europe/Berlin)',
    });
  });

  it('reads --since and --until', () => {
    expect(resolveWindow({ since: '2025-06-14 15:00', until: '2025-06-14 16:30' }, berlin)).toMatchObject(
      span('2025-06-14T13:00:00Z', '2025-06-14T14:30:00Z'),
    );
  });

  it('reads --last D as now − D until now', () => {
    expect(resolveWindow({ last: '10m' }, utc)).toMatchObject(span('2025-06-15T11:50:00Z', '2025-06-15T12:00:00Z'));
  });

  it('reads --at T --duration D as T until T + D', () => {
    expect(resolveWindow({ at: 'yesterday 3pm', duration: '90s' }, utc)).toMatchObject(
      span('2025-06-14T15:00:00Z', '2025-06-14T15:01:30Z'),
    );
  });
});

describe('resolveWindow with one RANGE', () => {
  it.each([
    ['yesterday 3pm to 4pm', '2025-06-14T15:00:00Z', '2025-06-14T16:00:00Z'],
    ['last 10 minutes', '2025-06-15T11:50:00Z', '2025-06-15T12:00:00Z'],
    ['past 2 hours', '2025-06-15T10:00:00Z', '2025-06-15T12:00:00Z'],
    ['in the last 30 minutes', '2025-06-15T11:30:00Z', '2025-06-15T12:00:00Z'],
    ['yesterday', '2025-06-14T00:00:00Z', '2025-06-15T00:00:00Z'],
    ['today', '2025-06-15T00:00:00Z', '2025-06-15T12:00:00Z'],
    ['2025-06-13', '2025-06-13T00:00:00Z', '2025-06-14T00:00:00Z'],
    ['2 hours ago to 1 hour ago', '2025-06-15T10:00:00Z', '2025-06-15T11:00:00Z'],
    ['2h ago..1h ago', '2025-06-15T10:00:00Z', '2025-06-15T11:00:00Z'],
    ['90m ago to 30m ago', '2025-06-15T10:30:00Z', '2025-06-15T11:30:00Z'],
    ['2025-06-14T15:00:00Z..2025-06-14T16:00:00Z', '2025-06-14T15:00:00Z', '2025-06-14T16:00:00Z'],
    ['2025-06-14 15:00..16:00', '2025-06-14T15:00:00Z', '2025-06-14T16:00:00Z'],
    ['2025-06-14 23:00..01:00', '2025-06-14T23:00:00Z', '2025-06-15T01:00:00Z'],
    ['2025-06-14 15:00 to 16:00', '2025-06-14T15:00:00Z', '2025-06-14T16:00:00Z'],
    ['2025-06-13 23:00 to 01:00', '2025-06-13T23:00:00Z', '2025-06-14T01:00:00Z'],
    ['yesterday 23:00 to 01:00', '2025-06-14T23:00:00Z', '2025-06-15T01:00:00Z'],
    ['@1749913200 to @1749916800', '2025-06-14T15:00:00Z', '2025-06-14T16:00:00Z'],
    ['2025-06-15 09:00..', '2025-06-15T09:00:00Z', '2025-06-15T12:00:00Z'],
    ['since 1h', '2025-06-15T11:00:00Z', '2025-06-15T12:00:00Z'],
    ['1h', '2025-06-15T11:00:00Z', '2025-06-15T12:00:00Z'],
    ['monday 3pm to 5pm', '2025-06-09T15:00:00Z', '2025-06-09T17:00:00Z'],
  ])('reads %s', (range, start, end) => {
    expect(resolveWindow({ range }, utc)).toMatchObject(span(start, end));
  });

  it('reads a RANGE of whole days and naive times in the zone', () => {
    expect(resolveWindow({ range: 'yesterday' }, berlin)).toMatchObject(
      span('2025-06-13T22:00:00Z', '2025-06-14T22:00:00Z'),
    );
    expect(resolveWindow({ range: 'yesterday 3pm to 4pm' }, berlin)).toMatchObject(
      span('2025-06-14T13:00:00Z', '2025-06-14T14:00:00Z'),
    );
  });

  it('moves "3pm to 4pm" to yesterday while today\'s 4pm is still ahead', () => {
    const halfPastThree = { nowMs: at('2025-06-15T15:30:00Z'), timeZone: 'UTC' };
    expect(resolveWindow({ range: '3pm to 4pm' }, halfPastThree)).toMatchObject(
      span('2025-06-14T15:00:00Z', '2025-06-14T16:00:00Z'),
    );
    const fivePm = { nowMs: at('2025-06-15T17:00:00Z'), timeZone: 'UTC' };
    expect(resolveWindow({ range: '3pm to 4pm' }, fivePm)).toMatchObject(
      span('2025-06-15T15:00:00Z', '2025-06-15T16:00:00Z'),
    );
  });

  it('rejects phrases chrono reads only in part', () => {
    expect(usageError({ range: 'between 3pm and 4pm yesterday' }).code).toBe('E_TIME_PARSE');
    expect(usageError({ range: 'yesterdy to today' }).code).toBe('E_TIME_PARSE');
  });
});

describe('resolveWindow validation', () => {
  it('rejects a reversed range with E_TIME_RANGE and examples', () => {
    const error = usageError({ since: '1h ago', until: '2h ago' });
    expect(error.code).toBe('E_TIME_RANGE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'Time range is empty or reversed: start 2025-06-15T11:00:00Z is not before end 2025-06-15T10:00:00Z',
    );
    expect(error.hint).toContain('yesterday 3pm to 4pm');
    expect(usageError({ range: '1h ago..2h ago' }).code).toBe('E_TIME_RANGE');
  });

  it('rejects an empty range', () => {
    expect(usageError({ since: 'now' }).code).toBe('E_TIME_RANGE');
  });

  it('rejects an end in the future', () => {
    const error = usageError({ since: '2025-06-15 10:00', until: '2025-06-15 13:00' });
    expect(error.code).toBe('E_TIME_RANGE');
    expect(error.message).toContain('in the future');
    expect(usageError({ at: '30m ago', duration: '1h' }).code).toBe('E_TIME_RANGE');
    expect(usageError({ since: '2030-01-01' }).code).toBe('E_TIME_RANGE');
  });

  it('cuts an end less than a second in the future to now', () => {
    expect(resolveWindow({ since: '1h', until: String(NOW + 800) }, utc)).toMatchObject({ endMs: NOW });
    expect(usageError({ since: '1h', until: String(NOW + 1001) }).code).toBe('E_TIME_RANGE');
  });

  it.each<[WindowInput, string]>([
    [{ range: 'last 1h', since: '2h' }, 'RANGE cannot be combined with --since'],
    [{ last: '1h', until: '10m' }, '--last cannot be combined with --until'],
    [{ at: '1h ago' }, '--at needs --duration'],
    [{ duration: '10m' }, '--duration needs --at'],
    [{ at: '1h ago', duration: '10m', since: '2h' }, '--at/--duration cannot be combined with --since'],
    [{ until: '1h ago' }, '--until needs --since'],
    [{}, 'No time range given'],
  ])('rejects the mixture %j', (input, message) => {
    const error = usageError(input);
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toBe(message);
  });

  it('rejects unreadable durations and instants with E_TIME_PARSE naming the flag', () => {
    expect(usageError({ last: 'ten minutes' }).message).toContain('--last "ten minutes"');
    expect(usageError({ since: 'yesterdy' }).message).toContain('--since "yesterdy"');
    expect(usageError({ since: '1h', until: 'banana' }).message).toContain('--until "banana"');
    expect(usageError({ range: 'banana' }).message).toContain('RANGE "banana"');
  });
});
