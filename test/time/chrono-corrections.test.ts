import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/usage-error.js';
import { parseInstant } from '../../src/time/parse-instant.js';
import { parseRange } from '../../src/time/parse-range.js';

// The "what chrono-node gets wrong" table of docs/planning.md ("Time ranges"), row by row, at its reference
// 2025-06-15T12:00Z (UTC zone).
const ctx = { nowMs: Date.parse('2025-06-15T12:00:00Z'), timeZone: 'UTC' };
const at = (iso: string): number => Date.parse(iso);
const range = (start: string, end: string) => ({ startMs: at(start), endMs: at(end) });

describe('docs/planning.md, "Time ranges" chrono corrections', () => {
  it('ends "last 10 minutes", "past 2 hours", "in the last 30 minutes" at now', () => {
    expect(parseRange('last 10 minutes', ctx)).toEqual(range('2025-06-15T11:50:00Z', '2025-06-15T12:00:00Z'));
    expect(parseRange('past 2 hours', ctx)).toEqual(range('2025-06-15T10:00:00Z', '2025-06-15T12:00:00Z'));
    expect(parseRange('in the last 30 minutes', ctx)).toEqual(range('2025-06-15T11:30:00Z', '2025-06-15T12:00:00Z'));
  });

  it('reads "yesterday" as 00:00, not the reference time of day', () => {
    expect(parseInstant('yesterday', ctx)).toBe(at('2025-06-14T00:00:00Z'));
    expect(parseRange('yesterday', ctx)).toEqual(range('2025-06-14T00:00:00Z', '2025-06-15T00:00:00Z'));
  });

  it('moves "3pm", "midnight", "monday 3pm" from the future into the past', () => {
    expect(parseInstant('3pm', ctx)).toBe(at('2025-06-14T15:00:00Z'));
    expect(parseInstant('midnight', ctx)).toBe(at('2025-06-15T00:00:00Z'));
    expect(parseInstant('monday 3pm', ctx)).toBe(at('2025-06-09T15:00:00Z'));
  });

  it('rejects "between 3pm and 4pm yesterday" instead of reading only "3pm" today', () => {
    expect(() => parseRange('between 3pm and 4pm yesterday', ctx)).toThrow(UsageError);
    expect(() => parseInstant('between 3pm and 4pm yesterday', ctx)).toThrow(UsageError);
  });

  it('reads "1h", "30m", "2d", "since 1h", "1718370000", which chrono does not parse, with layers 1 and 3', () => {
    expect(parseInstant('1h', ctx)).toBe(at('2025-06-15T11:00:00Z'));
    expect(parseInstant('30m', ctx)).toBe(at('2025-06-15T11:30:00Z'));
    expect(parseInstant('2d', ctx)).toBe(at('2025-06-13T12:00:00Z'));
    expect(parseRange('since 1h', ctx)).toEqual(range('2025-06-15T11:00:00Z', '2025-06-15T12:00:00Z'));
    expect(parseInstant('1718370000', ctx)).toBe(1_718_370_000_000);
  });

  it('keeps chrono\'s correct readings of "3pm PST", "14 Jun 2025 15:00 +02:00" and a Z time', () => {
    expect(parseInstant('14 Jun 2025 15:00 +02:00', ctx)).toBe(at('2025-06-14T13:00:00Z'));
    expect(parseInstant('14 Jun 2025 15:00 UTC', ctx)).toBe(at('2025-06-14T15:00:00Z'));
    expect(parseInstant('2025-06-14T15:00:00Z', ctx)).toBe(at('2025-06-14T15:00:00Z'));
    // 15:00 PST today is 23:00Z, still ahead of now: the past bias takes the day before.
    expect(parseInstant('3pm PST', ctx)).toBe(at('2025-06-14T23:00:00Z'));
    expect(parseInstant('14 Jun 2025 3pm PST', ctx)).toBe(at('2025-06-14T23:00:00Z'));
  });
});
