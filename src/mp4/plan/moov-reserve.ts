/**
 * How much room to leave for `moov` in front of the payload when parts arrive one by one (a `get`) and the total
 * duration is known only from the plan: the first part's moov size scaled by duration, with headroom. Too little
 * costs the faststart copy the reservation exists to avoid; too much costs only a `free` box (a file-system hole).
 */

/** Headroom over the linear estimate: later parts may carry more samples per second than the first. */
export const RESERVE_FACTOR = 1.5;

/** Fixed headroom: sample entries, edit lists and an `stco` → `co64` switch do not scale with duration. */
export const RESERVE_EXTRA_BYTES = 64 * 1024;

/**
 * Bytes to reserve for the final `moov`, given the moov of the first part alone (`firstMoovBytes`, covering
 * `firstDurationMs`) and the whole join's `expectedDurationMs`. Never less than the first part's moov with headroom;
 * 0 (no reservation) when the expected duration is not a positive number.
 */
export function moovReserveBytes(firstMoovBytes: number, firstDurationMs: number, expectedDurationMs: number): number {
  if (!Number.isFinite(expectedDurationMs) || expectedDurationMs <= 0 || !(firstMoovBytes > 0)) return 0;
  const scale = Math.max(1, expectedDurationMs / Math.max(1, firstDurationMs));
  return Math.ceil(firstMoovBytes * scale * RESERVE_FACTOR + RESERVE_EXTRA_BYTES);
}
