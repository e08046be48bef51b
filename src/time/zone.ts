import { UsageError } from '../errors/usage-error.js';

/** A calendar date and time of day as shown on a wall clock in some zone (month 1-12). */
export type WallClock = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
};

const DAY_MS = 86_400_000;

// Formatters are costly to build and the CLI resolves the same zone many times.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Checks an IANA zone name (`--tz`, `KVS_CLIP_TZ`) and returns its canonical spelling (`utc` → `UTC`).
 * Throws UsageError `E_USAGE` for a name the runtime's ICU does not know.
 */
export function validateTimeZone(name: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch (error) {
    throw new UsageError('E_USAGE', `Unknown time zone "${name}": expected an IANA name`, {
      hint: 'e.g. --tz Europe/Berlin, --tz America/New_York, or --utc',
      cause: error,
    });
  }
}

/** The wall clock in `timeZone` at the instant `ms` (epoch ms). The zone must be valid (see validateTimeZone). */
export function instantToWallClock(ms: number, timeZone: string): WallClock {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) fields[part.type] = part.value;
  const year = Number(fields['year']);
  return {
    // Years before 1 CE print as "BC" with a positive number; kvs-clip never meets them but keep the math honest.
    year: fields['era'] === 'BC' ? 1 - year : year,
    month: Number(fields['month']),
    day: Number(fields['day']),
    hour: Number(fields['hour']),
    minute: Number(fields['minute']),
    second: Number(fields['second']),
    millisecond: ((ms % 1000) + 1000) % 1000,
  };
}

/** Epoch ms of a wall clock read as if it were UTC: the arithmetic base for zone offsets and day shifts. */
export function wallClockAsUtc(wall: WallClock): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, wall.millisecond);
  return date.getTime();
}

/** The wall clock of a UTC-read epoch value (inverse of wallClockAsUtc). */
export function utcWallClock(ms: number): WallClock {
  const date = new Date(ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
  };
}

/** Offset of `timeZone` from UTC at the instant `ms`, in ms (Europe/Berlin in June: +7 200 000). */
export function zoneOffsetMs(timeZone: string, ms: number): number {
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  return wallClockAsUtc({ ...instantToWallClock(wholeSecond, timeZone), millisecond: 0 }) - wholeSecond;
}

/**
 * The instant at which `timeZone` shows `wall`, resolved with the zone's offset AT that instant (DST correct).
 * A wall clock inside a spring-forward gap moves forward by the gap (02:30 → 03:30 CEST); one inside a fall-back
 * overlap takes the earlier instant (the first 02:30): the same choice as Temporal's "compatible" disambiguation.
 */
export function wallClockToInstant(wall: WallClock, timeZone: string): number {
  const asUtc = wallClockAsUtc(wall);
  // Zones change offset at most once in any two days, so the offsets a day either side bound the candidates.
  const before = zoneOffsetMs(timeZone, asUtc - DAY_MS);
  const after = zoneOffsetMs(timeZone, asUtc + DAY_MS);
  const matches = [before, after]
    .map((offset) => asUtc - offset)
    .filter((candidate) => zoneOffsetMs(timeZone, candidate) === asUtc - candidate);
  if (matches.length > 0) return Math.min(...matches);
  // In a gap: read the wall clock with the offset in force before the transition, which lands after it.
  return asUtc - before;
}
