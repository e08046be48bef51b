import { createHash } from 'node:crypto';

/**
 * Fragment numbers packed into two typed arrays (docs/planning.md, "Fragments in columns"): the ASCII digits back
 * to back and where each number starts. A {@link FragmentTable} is one (its digit columns), and a part's numbers are a
 * view of the listing's ({@link viewRows}): no string per fragment for the garbage collector to walk all run, where a
 * day's plan holds 43 200 of them.
 *
 * [FragmentTable]: ./fragment-table.ts
 */
export type FragmentNumbers = {
  readonly length: number;
  /** ASCII digits of every number, back to back. */
  readonly digits: Uint8Array;
  /** Number i's digits are `digits[digitStart[i] .. digitStart[i + 1])`; length + 1 entries. */
  readonly digitStart: Uint32Array;
};

/** Number i as a decimal string. */
export function numberAt(numbers: FragmentNumbers, i: number): string {
  const from = numbers.digitStart[i] ?? 0;
  const to = numbers.digitStart[i + 1] ?? from;
  // apply takes the typed array as it is; a spread would first iterate it into an argument list (8× slower, and
  // garbage for every row: the planning burst of a 24 h listing, docs/planning.md "Fragments in columns").
  return String.fromCharCode.apply(null, numbers.digits.subarray(from, to) as unknown as number[]);
}

/**
 * Numbers [from, to) of `source` (a table or packed numbers) as a view that shares its digits (no copy): what a
 * part holds of the listing it was cut from, which the run keeps anyway (the replanner's listing).
 */
export function viewRows(source: FragmentNumbers, from = 0, to = source.length): FragmentNumbers {
  const start = Math.max(0, Math.min(from, source.length));
  const end = Math.max(start, Math.min(to, source.length));
  return { length: end - start, digits: source.digits, digitStart: source.digitStart.subarray(start, end + 1) };
}

/** Decimal strings packed (tests, a manifest written before the digests). */
export function packNumbers(list: readonly string[]): FragmentNumbers {
  let count = 0;
  for (const number of list) count += number.length;
  const digits = new Uint8Array(count);
  const digitStart = new Uint32Array(list.length + 1);
  let at = 0;
  for (const [i, number] of list.entries()) {
    for (let k = 0; k < number.length; k++) digits[at + k] = number.charCodeAt(k);
    at += number.length;
    digitStart[i + 1] = at;
  }
  return { length: list.length, digits, digitStart };
}

/** Several runs as one, in order (a whole plan's numbers, for a resume check). */
export function concatNumbers(runs: readonly FragmentNumbers[]): FragmentNumbers {
  let length = 0;
  let count = 0;
  for (const run of runs) {
    length += run.length;
    count += (run.digitStart[run.length] ?? 0) - (run.digitStart[0] ?? 0);
  }
  const digits = new Uint8Array(count);
  const digitStart = new Uint32Array(length + 1);
  let row = 0;
  let at = 0;
  for (const run of runs) {
    const base = run.digitStart[0] ?? 0;
    const end = run.digitStart[run.length] ?? base;
    digits.set(run.digits.subarray(base, end), at);
    for (let k = 1; k <= run.length; k++) digitStart[row + k] = at + (run.digitStart[k] ?? base) - base;
    row += run.length;
    at += end - base;
  }
  return { length, digits, digitStart };
}

/** Every number as a string: for tests, messages and small runs only. */
export function unpackNumbers(numbers: FragmentNumbers): string[] {
  return Array.from({ length: numbers.length }, (_, i) => numberAt(numbers, i));
}

/** Whether number i of `a` is number j of `b`, digit for digit (no strings made). */
export function sameNumber(a: FragmentNumbers, i: number, b: FragmentNumbers, j: number): boolean {
  const aFrom = a.digitStart[i] ?? 0;
  const bFrom = b.digitStart[j] ?? 0;
  const length = (a.digitStart[i + 1] ?? aFrom) - aFrom;
  if (i >= a.length || j >= b.length || length !== (b.digitStart[j + 1] ?? bFrom) - bFrom) return false;
  for (let k = 0; k < length; k++) if (a.digits[aFrom + k] !== b.digits[bFrom + k]) return false;
  return true;
}

/** Index of the first number where `a` and `b` differ (or where the shorter ends); -1 when they are the same. */
export function firstDifference(a: FragmentNumbers, b: FragmentNumbers): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) if (!sameNumber(a, i, b, i)) return i;
  return a.length === b.length ? -1 : shared;
}

/**
 * SHA-256 (hex) of numbers [from, to), joined by commas: the digest a resume manifest stores per part
 * (docs/resume-and-state.md), the same as hashing `list.join(',')` of the strings.
 */
export function numbersDigest(numbers: FragmentNumbers, from = 0, to = numbers.length): string {
  const hash = createHash('sha256');
  const comma = Uint8Array.of(44);
  for (let i = from; i < to; i++) {
    if (i > from) hash.update(comma);
    hash.update(numbers.digits.subarray(numbers.digitStart[i] ?? 0, numbers.digitStart[i + 1] ?? 0));
  }
  return hash.digest('hex');
}

/** Whether `value` (parsed JSON, or filled in from a plan) is packed numbers with consistent offsets. */
export function isPackedNumbers(value: unknown): value is FragmentNumbers {
  if (typeof value !== 'object' || value === null) return false;
  const { length, digits, digitStart } = value as Partial<Record<keyof FragmentNumbers, unknown>>;
  if (typeof length !== 'number' || !(digits instanceof Uint8Array) || !(digitStart instanceof Uint32Array))
    return false;
  if (digitStart.length !== length + 1 || (digitStart[length] ?? 0) > digits.length) return false;
  for (let i = 0; i < length; i++) {
    const from = digitStart[i] ?? 0;
    const to = digitStart[i + 1] ?? 0;
    if (to <= from || to - from > 64) return false;
    for (let k = from; k < to; k++) if ((digits[k] ?? 0) < 48 || (digits[k] ?? 0) > 57) return false;
  }
  return true;
}
