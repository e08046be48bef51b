/**
 * Integer timescale conversion (docs/joiner.md, "Anchors and the timeline": never via float seconds). BigInt inside, so
 * `value × to` may pass 2^53 without losing precision; the result must fit a safe integer.
 */
import { InternalError } from '../errors/internal-error.js';

/** `value × to / from`, rounded half away from zero. Throws `InternalError` for a non-integer or unsafe result. */
export function rescale(value: number, from: number, to: number): number {
  if (from === to) return value;
  if (!Number.isSafeInteger(value) || !Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from <= 0) {
    throw new InternalError(`cannot rescale ${value} from ${from} to ${to}`);
  }
  return toSafe(divRound(BigInt(value) * BigInt(to), BigInt(from)));
}

/** `a / b` rounded half away from zero, for b > 0. */
export function divRound(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  if (2n * (r < 0n ? -r : r) >= b) return a < 0n ? q - 1n : q + 1n;
  return q;
}

/** Narrows a bigint to a safe-integer number. Throws `InternalError` when it does not fit. */
export function toSafe(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new InternalError(`time value out of range: ${value}`);
  }
  return Number(value);
}
