import { UsageError } from '../errors/usage-error.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

// Long spellings accepted beside the systemd-style letters ("2 hours", "10 min"). "m" is minutes, never months.
const UNIT_ALIASES: Record<string, string> = {
  ms: 'ms',
  msec: 'ms',
  msecs: 'ms',
  millisecond: 'ms',
  milliseconds: 'ms',
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  d: 'd',
  day: 'd',
  days: 'd',
  w: 'w',
  wk: 'w',
  wks: 'w',
  week: 'w',
  weeks: 'w',
};

/**
 * Reads a duration such as `90s`, `1h30m`, `2 hours`, `1.5h` into ms, or returns undefined when the text is not
 * (entirely) a duration. Units: ms s m h d w and their English names; `d` and `w` are exact 24 h / 7 d multiples.
 * The time parsers use this to try the duration layer without throwing.
 */
export function matchDuration(text: string): number | undefined {
  const source = text.trim().toLowerCase();
  if (source === '') return undefined;
  const term = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/gy;
  let total = 0;
  let consumed = 0;
  for (let match = term.exec(source); match !== null; match = term.exec(source)) {
    const unit = UNIT_ALIASES[match[2] ?? ''];
    if (unit === undefined) return undefined;
    total += Number(match[1]) * (UNIT_MS[unit] ?? Number.NaN);
    consumed = term.lastIndex;
  }
  if (consumed !== source.length || !Number.isFinite(total)) return undefined;
  return Math.round(total);
}

/**
 * Parses the value of `--last`, `--duration` or `--settle` (`10m`, `1h30m`, `90s`, `2d`) into ms.
 * `option` names the flag in the error. Throws UsageError `E_TIME_PARSE` for anything else, and for zero when
 * `allowZero` is not set (a zero-length window is never what the user meant; `--settle 0` is fine).
 */
export function parseDuration(text: string, options: { option?: string; allowZero?: boolean } = {}): number {
  const ms = matchDuration(text);
  const option = options.option ?? 'duration';
  if (ms === undefined || (ms === 0 && options.allowZero !== true)) {
    throw new UsageError('E_TIME_PARSE', `Could not parse ${option} "${text}": expected e.g. "10m", "1h30m", "2d"`, {
      hint: 'units: ms s m h d w (m = minutes)',
    });
  }
  return ms;
}
