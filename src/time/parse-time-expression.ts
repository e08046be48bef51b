import { parseCasual } from './parse-casual.js';
import { matchDuration } from './parse-duration.js';
import { impossibleOffset, parseIso } from './parse-iso.js';
import type { TimeContext, TimeExpression } from './time-expression.js';
import { instantToWallClock, utcWallClock, wallClockAsUtc, wallClockToInstant } from './zone.js';

const DAY_MS = 86_400_000;

/** Layer 1: `@1718370000` (s, fractions allowed), `1718370000` (10 digits = s), `1718370000123` (13 digits = ms). */
function parseEpoch(text: string): number | undefined {
  const at = /^@(\d+)(?:\.(\d{1,3}))?$/.exec(text);
  if (at !== null) {
    const [, digits = '', fraction] = at;
    if (digits.length === 13 && fraction === undefined) return Number(digits);
    if (digits.length <= 11) return Number(digits) * 1000 + Number((fraction ?? '').padEnd(3, '0'));
    return undefined;
  }
  if (/^\d{10}$/.test(text)) return Number(text) * 1000;
  if (/^\d{13}$/.test(text)) return Number(text);
  return undefined;
}

/** Layer 3: `90s`, `1h30m`, `-15m`, `1h ago`, `2 hours ago`, `last 10 minutes`, `past hour`: now − D. */
function parseAgo(text: string, nowMs: number): number | undefined {
  const prefix = /^(?:in )?(?:the )?(?:last|past) /i.exec(text);
  const body = text
    .slice(prefix === null ? 0 : prefix[0].length)
    .replace(/^-\s*/, '')
    .replace(/ ago$/i, '');
  // "last hour", "past day": one unit.
  const ms = matchDuration(body) ?? (prefix === null ? undefined : matchDuration(`1 ${body}`));
  return ms === undefined ? undefined : nowMs - ms;
}

/** Layer 4: `now`, `today`, `yesterday`, as systemd.time(7) defines them (days start at 00:00 in the zone). */
function parseKeyword(text: string, ctx: TimeContext): TimeExpression | undefined {
  const keyword = text.toLowerCase();
  if (keyword === 'now') return { startMs: ctx.nowMs };
  const daysBack = keyword === 'today' ? 0 : keyword === 'yesterday' ? 1 : undefined;
  if (daysBack === undefined) return undefined;
  const today = instantToWallClock(ctx.nowMs, ctx.timeZone);
  const midnight = (back: number): number =>
    wallClockToInstant(
      utcWallClock(wallClockAsUtc({ ...today, hour: 0, minute: 0, second: 0, millisecond: 0 }) - back * DAY_MS),
      ctx.timeZone,
    );
  return { startMs: midnight(daysBack), wholeDayEndMs: midnight(daysBack - 1) };
}

/**
 * Reads one time expression with the layered grammar of docs/planning.md, "Time ranges" (epoch, ISO 8601, duration,
 * keyword, chrono-node with corrections; the first layer that matches wins). Returns undefined when no layer matches;
 * never throws. parseInstant and parseRange build their errors on top of this.
 */
export function parseTimeExpression(text: string, ctx: TimeContext): TimeExpression | undefined {
  const source = text.trim().replace(/\s+/g, ' ');
  if (source === '') return undefined;
  const epoch = parseEpoch(source);
  if (epoch !== undefined) return { startMs: epoch };
  const iso = parseIso(source, ctx.timeZone);
  if (iso !== undefined) {
    if (!iso.dateOnly) return { startMs: iso.ms };
    const nextDay = utcWallClock(wallClockAsUtc(iso.wall) + DAY_MS);
    return { startMs: iso.ms, wholeDayEndMs: wallClockToInstant(nextDay, ctx.timeZone) };
  }
  if (impossibleOffset(source) !== undefined) return undefined;
  const ago = parseAgo(source, ctx.nowMs);
  if (ago !== undefined) return { startMs: ago };
  return parseKeyword(source, ctx) ?? parseCasual(source, ctx);
}
