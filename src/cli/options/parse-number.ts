import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../../time/parse-duration.js';

/**
 * A commander argument parser for integers in [min, max]. Commander turns the thrown InvalidArgumentError into
 * "option '--concurrency <n>' argument 'x' is invalid. …", which the program reports as a usage error (exit 2).
 */
export function integerParser(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`Expected an integer from ${min} to ${max}.`);
    }
    return n;
  };
}

/** A commander argument parser for positive decimal numbers up to max (e.g. `--fragment-rate 250`). */
export function positiveNumberParser(max: number): (value: string) => number {
  return (value: string) => {
    const n = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isFinite(n) || n <= 0 || n > max) {
      throw new InvalidArgumentError(`Expected a number greater than 0 and at most ${max}.`);
    }
    return n;
  };
}

/**
 * A commander argument parser for durations (`90s`, `10m`, `1h30m`) into ms, zero allowed (`--settle 0`).
 * Throws src/time's UsageError E_TIME_PARSE naming the flag.
 */
export function durationParser(option: string): (value: string) => number {
  // A bare 0 needs no unit ("--settle 0"); every other number does, since "5" could mean seconds or minutes.
  return (value: string) => (value.trim() === '0' ? 0 : parseDuration(value, { option, allowZero: true }));
}
