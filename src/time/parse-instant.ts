import { UsageError } from '../errors/usage-error.js';
import { impossibleOffset } from './parse-iso.js';
import { parseTimeExpression } from './parse-time-expression.js';
import type { TimeContext } from './time-expression.js';

/** The error for text no layer of the time grammar reads, in the shape docs/README.md, "House rules" shows. */
export function timeParseError(text: string, option: string | undefined): UsageError {
  const offset = impossibleOffset(text.trim());
  if (offset !== undefined) {
    return new UsageError(
      'E_TIME_PARSE',
      `Could not parse ${option ?? 'time'} "${text}": the UTC offset ${offset} is impossible (hours 00-23, minutes 00-59)`,
      { hint: 'e.g. 2025-06-14T15:00+02:00, 2025-06-14T15:00Z, or a time without an offset read in --tz' },
    );
  }
  return new UsageError(
    'E_TIME_PARSE',
    `Could not parse ${option ?? 'time'} "${text}": expected e.g. "2h ago", "2025-06-14 15:00", "yesterday 3pm"`,
    { hint: 'also: @1718370000 (epoch s), 2025-06-14T15:00:00Z, 90s, 1h30m, today, yesterday, monday 3pm' },
  );
}

/**
 * Reads one instant (`--since`, `--until`, `--at`) with the layered grammar of docs/planning.md, "Time ranges" and
 * returns epoch ms. Pure: `ctx.nowMs` and `ctx.timeZone` are the only inputs besides the text. A date alone means 00:00
 * of that day in the zone. Throws UsageError `E_TIME_PARSE` when no layer reads the text, or when it is a range (`3pm
 * to 4pm`), which belongs in RANGE.
 */
export function parseInstant(text: string, ctx: TimeContext): number {
  const expression = parseTimeExpression(text, ctx);
  if (expression === undefined) throw timeParseError(text, ctx.option);
  if (expression.endMs !== undefined) {
    throw new UsageError('E_TIME_PARSE', `Expected one instant for ${ctx.option ?? 'time'}, got a range "${text}"`, {
      hint: 'pass a range as RANGE: kvs-clip get STREAM "yesterday 3pm to 4pm"',
    });
  }
  return expression.startMs;
}
