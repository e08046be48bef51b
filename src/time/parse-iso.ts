import type { WallClock } from './zone.js';
import { wallClockAsUtc, wallClockToInstant } from './zone.js';

/** An ISO 8601 / RFC 3339 reading: the instant, and whether only a date was given (a whole day as a RANGE). */
export type IsoInstant = { ms: number; dateOnly: boolean; wall: WallClock };

// Extended (2025-06-14T15:00:00.5+02:00, space or T) and basic (20250614T150000Z, as in default file names) forms.
const EXTENDED =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function offsetMs(text: string): number | undefined {
  if (text.toUpperCase() === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return (text.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

function isValidWallClock(wall: WallClock): boolean {
  const probe = new Date(wallClockAsUtc(wall));
  return (
    probe.getUTCFullYear() === wall.year &&
    probe.getUTCMonth() + 1 === wall.month &&
    probe.getUTCDate() === wall.day &&
    wall.hour <= 23 &&
    wall.minute <= 59 &&
    wall.second <= 59
  );
}

/**
 * The offset of an ISO-shaped `text` that no zone can have (`+25:00`, `+99:99`), or undefined. Such text must not
 * fall through to the casual layer, which would read the date and drop the offset.
 */
export function impossibleOffset(text: string): string | undefined {
  const match = EXTENDED.exec(text) ?? BASIC.exec(text);
  const offset = match?.[8];
  return offset !== undefined && offsetMs(offset) === undefined ? offset : undefined;
}

/**
 * Layer 2 of the time grammar (docs/planning.md, "Time ranges"). Returns undefined when `text` is not ISO-shaped or
 * names an impossible date (2025-02-30, 25:00). An explicit offset or `Z` wins; a naive time is read in `timeZone` at
 * that instant.
 */
export function parseIso(text: string, timeZone: string): IsoInstant | undefined {
  const match = EXTENDED.exec(text) ?? BASIC.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  const dateOnly = hour === undefined;
  if (dateOnly && offset !== undefined) return undefined;
  const wall: WallClock = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    // Sub-millisecond digits are dropped: instants are whole epoch milliseconds.
    millisecond: Number((fraction ?? '').padEnd(3, '0').slice(0, 3)),
  };
  if (!isValidWallClock(wall)) return undefined;
  if (offset === undefined) return { ms: wallClockToInstant(wall, timeZone), dateOnly, wall };
  const fixed = offsetMs(offset);
  if (fixed === undefined) return undefined;
  return { ms: wallClockAsUtc(wall) - fixed, dateOnly, wall };
}
