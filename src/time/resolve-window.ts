import { UsageError } from '../errors/usage-error.js';
import { describeWindow } from './describe-window.js';
import { formatInstant } from './format-instant.js';
import { parseDuration } from './parse-duration.js';
import { parseInstant } from './parse-instant.js';
import { parseRange } from './parse-range.js';

/** The time flags as the user typed them (docs/planning.md, "Time ranges"); undefined = not given. */
export type WindowInput = {
  since?: string | undefined;
  until?: string | undefined;
  last?: string | undefined;
  at?: string | undefined;
  duration?: string | undefined;
  range?: string | undefined;
};

/** A validated window [startMs, endMs) in epoch ms, with the echo line (without the selector). */
export type ResolvedWindow = { startMs: number; endMs: number; description: string };

/** A future end this close to now is clock noise ("--until now" read a moment later) and is cut to now. */
export const FUTURE_TOLERANCE_MS = 1000;

const EXAMPLES = 'e.g. --since "2h ago" --until "1h ago", --last 30m, or "yesterday 3pm to 4pm"';

function flagsGiven(input: WindowInput): string[] {
  const names: Array<[keyof WindowInput, string]> = [
    ['range', 'RANGE'],
    ['since', '--since'],
    ['until', '--until'],
    ['last', '--last'],
    ['at', '--at'],
    ['duration', '--duration'],
  ];
  return names.filter(([key]) => input[key] !== undefined).map(([, flag]) => flag);
}

function rejectMixture(input: WindowInput): void {
  const given = flagsGiven(input);
  const mixture = (first: string, others: string[]): never => {
    throw new UsageError('E_USAGE', `${first} cannot be combined with ${others.join(', ')}`, { hint: EXAMPLES });
  };
  if (given.length === 0) {
    throw new UsageError('E_USAGE', 'No time range given', { hint: EXAMPLES });
  }
  for (const first of ['RANGE', '--last']) {
    const others = given.filter((flag) => flag !== first);
    if (given.includes(first) && others.length > 0) mixture(first, others);
  }
  if (input.at !== undefined || input.duration !== undefined) {
    if (input.at === undefined) throw new UsageError('E_USAGE', '--duration needs --at', { hint: EXAMPLES });
    if (input.duration === undefined) throw new UsageError('E_USAGE', '--at needs --duration', { hint: EXAMPLES });
    const others = given.filter((flag) => flag !== '--at' && flag !== '--duration');
    if (others.length > 0) mixture('--at/--duration', others);
  }
  if (input.until !== undefined && input.since === undefined) {
    throw new UsageError('E_USAGE', '--until needs --since', { hint: EXAMPLES });
  }
}

function window(input: WindowInput, ctx: { nowMs: number; timeZone: string }): { startMs: number; endMs: number } {
  if (input.range !== undefined) return parseRange(input.range, { ...ctx, option: 'RANGE' });
  if (input.last !== undefined) {
    return { startMs: ctx.nowMs - parseDuration(input.last, { option: '--last' }), endMs: ctx.nowMs };
  }
  if (input.at !== undefined && input.duration !== undefined) {
    const startMs = parseInstant(input.at, { ...ctx, option: '--at' });
    return { startMs, endMs: startMs + parseDuration(input.duration, { option: '--duration' }) };
  }
  const startMs = parseInstant(input.since ?? '', { ...ctx, option: '--since' });
  const endMs = input.until === undefined ? ctx.nowMs : parseInstant(input.until, { ...ctx, option: '--until' });
  return { startMs, endMs };
}

/**
 * Turns the time flags into one validated UTC window (docs/planning.md, "Time ranges"): `--since T [--until T]` (until
 * defaults to now), `--last D`, `--at T --duration D` (T → T + D), or one RANGE. Pure: now and the zone come in `ctx`.
 * Throws UsageError `E_USAGE` for a mixture of forms or no range at all, `E_TIME_PARSE` for unreadable text, and
 * `E_TIME_RANGE` when start ≥ end or the end lies in the future. A future end within FUTURE_TOLERANCE_MS of now is cut
 * to now; anything later is an error rather than a silent clamp, since KVS holds only the past and the user most likely
 * typed the wrong day.
 */
export function resolveWindow(input: WindowInput, ctx: { nowMs: number; timeZone: string }): ResolvedWindow {
  rejectMixture(input);
  const { startMs, endMs: rawEndMs } = window(input, ctx);
  if (rawEndMs > ctx.nowMs + FUTURE_TOLERANCE_MS) {
    throw new UsageError(
      'E_TIME_RANGE',
      `Time range ends in the future: ${formatInstant(rawEndMs)} is after now (${formatInstant(ctx.nowMs)})`,
      { hint: `KVS only holds the past; ${EXAMPLES}` },
    );
  }
  const endMs = Math.min(rawEndMs, ctx.nowMs);
  if (startMs >= endMs) {
    throw new UsageError(
      'E_TIME_RANGE',
      `Time range is empty or reversed: start ${formatInstant(startMs)} is not before end ${formatInstant(endMs)}`,
      { hint: EXAMPLES },
    );
  }
  return { startMs, endMs, description: describeWindow({ startMs, endMs }, { timeZone: ctx.timeZone }) };
}
