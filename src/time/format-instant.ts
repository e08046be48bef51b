/**
 * Renders an instant (epoch ms) as ISO 8601 UTC for echo lines, JSON and logs: `2025-06-14T13:00:00Z`, with
 * milliseconds only when they are not zero (`2025-06-14T12:59:58.120Z`).
 */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
