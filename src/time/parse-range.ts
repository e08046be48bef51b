import { UsageError } from '../errors/usage-error.js';
import { impossibleOffset } from './parse-iso.js';
import { parseTimeExpression } from './parse-time-expression.js';
import type { TimeContext, TimeExpression } from './time-expression.js';
import { instantToWallClock, wallClockAsUtc, wallClockToInstant } from './zone.js';

const DAY_MS = 86_400_000;

/** A window before validation: [startMs, endMs), epoch ms. */
export type TimeRange = { startMs: number; endMs: number };

function rangeParseError(text: string, option: string | undefined): UsageError {
  const offset = text
    .split(/\.\.| to /)
    .map((side) => impossibleOffset(side.trim()))
    .find((found) => found !== undefined);
  if (offset !== undefined) {
    return new UsageError(
      'E_TIME_PARSE',
      `Could not parse ${option ?? 'RANGE'} "${text}": the UTC offset ${offset} is impossible (hours 00-23, minutes 00-59)`,
      { hint: 'e.g. "2025-06-14T15:00+02:00..16:00", or times without an offset read in --tz' },
    );
  }
  return new UsageError(
    'E_TIME_PARSE',
    `Could not parse ${option ?? 'RANGE'} "${text}": expected e.g. "yesterday 3pm to 4pm", "last 10 minutes", "2025-06-14 15:00..16:00"`,
    { hint: 'or use --since T [--until T], --last D, or --at T --duration D' },
  );
}

/** An end given as a bare time of day ("16:00") takes the start's date, the next day if it would not follow it. */
function endFrom(start: TimeExpression, end: TimeExpression, timeZone: string): number {
  const time = end.timeOfDay;
  if (time === undefined) return end.startMs;
  const { offsetMs, ...clock } = time;
  const wall = { ...instantToWallClock(start.startMs, timeZone), ...clock };
  const endMs = offsetMs === undefined ? wallClockToInstant(wall, timeZone) : wallClockAsUtc(wall) - offsetMs;
  return endMs > start.startMs ? endMs : endMs + DAY_MS;
}

function bothEnds(first: string, second: string, ctx: TimeContext): TimeRange | undefined {
  const start = parseTimeExpression(first, ctx);
  if (start === undefined || start.endMs !== undefined) return undefined;
  if (second.trim() === '') return { startMs: start.startMs, endMs: ctx.nowMs };
  const end = parseTimeExpression(second, ctx);
  if (end === undefined || end.endMs !== undefined) return undefined;
  return { startMs: start.startMs, endMs: endFrom(start, end, ctx.timeZone) };
}

/**
 * Reads the positional RANGE (or `--range`) of docs/planning.md, "Time ranges": `A..B` (`A..` = until now), `A to B`,
 * `since A`, or one phrase. A phrase that is itself a range (`yesterday 3pm to 4pm`, `2 hours ago to 1 hour ago`) is
 * used as is; a phrase naming a whole day (`yesterday`, `2025-06-14`) means that day 00:00 → 24:00 in the zone (cut at
 * now); any other single instant (`last 10 minutes`, `2h ago`, `3pm`) runs until now. Does not validate the order;
 * resolveWindow does. Throws UsageError `E_TIME_PARSE` when the text cannot be read.
 */
export function parseRange(text: string, ctx: TimeContext): TimeRange {
  const source = text.trim().replace(/\s+/g, ' ');
  const since = /^since (.+)$/i.exec(source);
  const dots = source.split('..');
  let range: TimeRange | undefined;
  if (since?.[1] !== undefined) {
    range = bothEnds(since[1], '', ctx);
  } else if (dots.length === 2 && dots[0] !== undefined && dots[1] !== undefined) {
    range = bothEnds(dots[0], dots[1], ctx);
  } else {
    const whole = parseTimeExpression(source, ctx);
    if (whole !== undefined) {
      range = {
        startMs: whole.startMs,
        endMs: whole.endMs ?? Math.min(whole.wholeDayEndMs ?? ctx.nowMs, ctx.nowMs),
      };
    } else {
      const parts = /^(.+?) (?:to|until|till) (.+)$/i.exec(source);
      if (parts?.[1] !== undefined && parts[2] !== undefined) range = bothEnds(parts[1], parts[2], ctx);
    }
  }
  if (range === undefined) throw rangeParseError(text, ctx.option);
  return range;
}
