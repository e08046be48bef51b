const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
];

/**
 * Renders a duration in ms the way the time grammar reads it back: `1h`, `1h30m`, `2d`, `45s`, `1m2.5s`, `250ms`,
 * and `1h0m2s` (a unit between two others is written even when zero, so `1h2s` is never misread as `1h2m`).
 * Use for echo lines and progress; parseDuration accepts every string this returns.
 */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let rest = Math.round(ms);
  let text = '';
  for (const [unit, size] of UNITS) {
    // A zero unit is written only between two that are not: `1h0m2s`, but `1h`, `2d`, `45s`.
    if (rest >= size || (text !== '' && rest > 0)) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  // Seconds keep their milliseconds as a decimal fraction without trailing zeros.
  if (rest > 0) text += `${Number((rest / 1000).toFixed(3))}s`;
  return text;
}
