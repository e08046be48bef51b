import { formatDuration } from './format-duration.js';
import { formatInstant } from './format-instant.js';

/**
 * The echo line of docs/planning.md, "Time ranges", printed before any download and mirrored in JSON:
 * `Window 2025-06-14T13:00:00Z → 2025-06-14T14:00:00Z (1h, server timestamps, tz Europe/Berlin)`.
 * `selector` is left out of the parenthesis when not given.
 */
export function describeWindow(
  window: { startMs: number; endMs: number },
  options: { timeZone: string; selector?: 'server' | 'producer' },
): string {
  const details = [formatDuration(window.endMs - window.startMs)];
  if (options.selector !== undefined) details.push(`${options.selector} timestamps`);
  details.push(`tz ${options.timeZone}`);
  return `Window ${formatInstant(window.startMs)} → ${formatInstant(window.endMs)} (${details.join(', ')})`;
}
