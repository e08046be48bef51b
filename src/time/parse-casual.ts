import { createRequire } from 'node:module';
import type { ParsedComponents } from 'chrono-node';
import type * as ChronoEn from 'chrono-node/en';
import type { TimeContext, TimeExpression, TimeOfDay } from './time-expression.js';
import type { WallClock } from './zone.js';
import { utcWallClock, wallClockAsUtc, wallClockToInstant, zoneOffsetMs } from './zone.js';

const DAY_MS = 86_400_000;

/**
 * chrono-node's English parser, loaded on first use. Most ranges never reach this layer (ISO, epoch, durations,
 * keywords), and chrono costs 60-100 ms of start-up to load: its English locale alone, that is; the package root
 * (whose `casual` is this same `en.casual`) also evaluates fifteen other locales, ≈270 modules and ≈200 ms more.
 * A synchronous require keeps the grammar synchronous; require's cache makes later calls a lookup.
 */
function casualChrono(): ChronoEn.Chrono {
  return (createRequire(import.meta.url)('chrono-node/en') as typeof ChronoEn).casual;
}

type Reading = { wall: WallClock; offsetMs: number | undefined; dateOnly: boolean; components: ParsedComponents };

function read(components: ParsedComponents): Reading {
  const dateOnly = !components.isCertain('hour');
  const value = (name: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond'): number =>
    components.get(name) ?? 0;
  const offsetMinutes = components.get('timezoneOffset');
  return {
    // chrono implies 12:00 for a bare date ("yesterday", "monday"); systemd and journalctl mean 00:00.
    wall: {
      year: value('year'),
      month: value('month'),
      day: value('day'),
      hour: dateOnly ? 0 : value('hour'),
      minute: dateOnly ? 0 : value('minute'),
      second: dateOnly ? 0 : value('second'),
      millisecond: dateOnly ? 0 : value('millisecond'),
    },
    // Only an offset the input stated (an abbreviation, "+02:00", or chrono's own "N hours ago") is trusted;
    // an implied one is the offset at "now", wrong across a DST change, so the zone resolves those instead.
    offsetMs: components.isCertain('timezoneOffset') && offsetMinutes !== null ? offsetMinutes * 60_000 : undefined,
    dateOnly,
    components,
  };
}

function toInstant(reading: Reading, timeZone: string): number {
  return reading.offsetMs === undefined
    ? wallClockToInstant(reading.wall, timeZone)
    : wallClockAsUtc(reading.wall) - reading.offsetMs;
}

function shiftDays(wall: WallClock, days: number): WallClock {
  return utcWallClock(wallClockAsUtc(wall) - days * DAY_MS);
}

/**
 * The past-bias refiner: chrono resolves "3pm", "midnight" and "monday 3pm" to the NEXT occurrence, but kvs-clip
 * can only fetch the past. When the reading lies after now and the user did not state the day, go back one day
 * (one week for a weekday, one year for a month and day without a year). chrono's `forwardDate: false` does not
 * do this (wanasit/chrono#599, #173).
 */
function pastBias(reading: Reading): (wall: WallClock) => WallClock {
  const c = reading.components;
  if (!c.isCertain('day') && c.isCertain('weekday')) return (wall) => shiftDays(wall, 7);
  if (!c.isCertain('day')) return (wall) => shiftDays(wall, 1);
  if (!c.isCertain('year')) return (wall) => ({ ...wall, year: wall.year - 1 });
  return (wall) => wall;
}

function nextMidnight(reading: Reading, timeZone: string): number {
  return toInstant({ ...reading, wall: shiftDays(reading.wall, -1) }, timeZone);
}

function timeOfDay(reading: Reading): TimeOfDay | undefined {
  const c = reading.components;
  const dated = c.isCertain('day') || c.isCertain('weekday') || c.isCertain('month') || c.isCertain('year');
  if (reading.dateOnly || dated || c.tags().has('result/relativeDate')) return undefined;
  const { hour, minute, second, millisecond } = reading.wall;
  return reading.offsetMs === undefined
    ? { hour, minute, second, millisecond }
    : { hour, minute, second, millisecond, offsetMs: reading.offsetMs };
}

/**
 * Layer 5 of the time grammar (docs/planning.md, "Time ranges"): chrono-node's casual English parser, corrected for a
 * past-only tool. Returns undefined unless chrono finds exactly one phrase covering the whole text (so "between 3pm and
 * 4pm yesterday", which chrono reads as just "3pm" today, is rejected rather than silently misread).
 */
export function parseCasual(text: string, ctx: TimeContext): TimeExpression | undefined {
  const source = text.trim();
  const reference = { instant: new Date(ctx.nowMs), timezone: zoneOffsetMs(ctx.timeZone, ctx.nowMs) / 60_000 };
  const results = casualChrono().parse(source, reference, { forwardDate: false });
  const [result] = results;
  if (result === undefined || results.length !== 1) return undefined;
  if (result.index !== 0 || result.text.length !== source.length) return undefined;

  const start = read(result.start);
  // chrono leaves `end` null, not undefined, for a single instant.
  const end = result.end ? read(result.end) : undefined;
  // A range is judged by its end: "3pm to 4pm" at 15:30 means yesterday's hour, both ends moved together.
  const judged = end ?? start;
  const shift = toInstant(judged, ctx.timeZone) > ctx.nowMs ? pastBias(judged) : (wall: WallClock) => wall;
  const startMoves = judged === start || !start.components.isCertain('day');
  const startShifted = { ...start, wall: startMoves ? shift(start.wall) : start.wall };
  const expression: TimeExpression = { startMs: toInstant(startShifted, ctx.timeZone) };
  if (end !== undefined) {
    const endWall = shift(end.wall);
    const endMs = toInstant({ ...end, wall: endWall }, ctx.timeZone);
    // chrono gives "yesterday 23:00 to 01:00" the start's date for both ends; the end is the next morning.
    const sameDay =
      endWall.year === startShifted.wall.year &&
      endWall.month === startShifted.wall.month &&
      endWall.day === startShifted.wall.day;
    expression.endMs =
      endMs <= expression.startMs && sameDay && !end.dateOnly
        ? toInstant({ ...end, wall: shiftDays(endWall, -1) }, ctx.timeZone)
        : endMs;
  } else if (start.dateOnly) {
    expression.wholeDayEndMs = nextMidnight(startShifted, ctx.timeZone);
  } else {
    const time = timeOfDay(start);
    if (time !== undefined) expression.timeOfDay = time;
  }
  return expression;
}
