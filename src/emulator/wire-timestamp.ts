import { invalidArgument } from './wire-error.js';

/**
 * Reads a request timestamp (docs/emulator.md, "Faithful by construction"): epoch seconds as an integer or fractional
 * JSON number, or a numeric string. Returns epoch milliseconds, rounded to the millisecond (AWS compares at ms
 * precision). Throws a WireError InvalidArgumentException naming `field` when the value is absent or not numeric.
 */
export function parseWireTimestamp(value: unknown, field: string): number {
  const seconds =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(seconds)) {
    throw invalidArgument(
      `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must be a timestamp`,
    );
  }
  return Math.round(seconds * 1000);
}

/** Writes an instant as AWS does: epoch seconds with a millisecond fraction, as a JSON number. */
export function toWireSeconds(ms: number): number {
  return Math.floor(ms) / 1000;
}
