import type { Fragment, Selector } from './fragment.js';

/**
 * A listing held column by column (docs/planning.md, "Fragments in columns"): one typed array per field and the
 * fragment numbers packed into one byte array, instead of one object (and one string) per fragment. A 24 h listing
 * of 2 s fragments is 43 200 rows: ≈ 1.4 MB of numbers plus ≈ 2 MB of digits, none of it visible to the garbage
 * collector as separate objects. Rows are read with the accessors below; {@link fragmentAt} builds an object for the
 * few callers that want one (a part's ≤ 200 fragments, the last fragment of a window).
 *
 * A table is immutable once built; {@link sliceTable} gives a view that shares the columns.
 */
export type FragmentTable = {
  readonly length: number;
  readonly serverMs: Float64Array;
  readonly producerMs: Float64Array;
  readonly durationMs: Float64Array;
  readonly sizeBytes: Float64Array;
  /** ASCII digits of every fragment number, back to back. */
  readonly digits: Uint8Array;
  /** Row i's digits are `digits[digitStart[i] .. digitStart[i + 1])`; length + 1 entries. */
  readonly digitStart: Uint32Array;
};

/** Anything the planner accepts as a listing: a table, or fragment objects (tests, small lists). */
export type FragmentList = FragmentTable | readonly Fragment[];

export function isTable(list: FragmentList): list is FragmentTable {
  return !Array.isArray(list);
}

/** Row i's start under `selector` (see fragmentStartMs). */
export function startAt(table: FragmentTable, i: number, selector: Selector): number {
  return (selector === 'server' ? table.serverMs[i] : table.producerMs[i]) ?? Number.NaN;
}

/** Row i's fragment number as a decimal string. */
export function numberAt(table: FragmentTable, i: number): string {
  const from = table.digitStart[i] ?? 0;
  const to = table.digitStart[i + 1] ?? from;
  // apply takes the typed array as it is; a spread would first iterate it into an argument list (8× slower, and
  // garbage for every row: the planning burst of a 24 h listing, docs/planning.md "Fragments in columns").
  return String.fromCharCode.apply(null, table.digits.subarray(from, to) as unknown as number[]);
}

/** Row i as a Fragment object. */
export function fragmentAt(table: FragmentTable, i: number): Fragment {
  return {
    fragmentNumber: numberAt(table, i),
    producerMs: table.producerMs[i] ?? Number.NaN,
    serverMs: table.serverMs[i] ?? Number.NaN,
    durationMs: table.durationMs[i] ?? Number.NaN,
    sizeBytes: table.sizeBytes[i] ?? Number.NaN,
  };
}

/** Every row as objects, for tests and small tables only. */
export function rowsOf(table: FragmentTable): Fragment[] {
  return Array.from({ length: table.length }, (_, i) => fragmentAt(table, i));
}

/** Σ sizeBytes of rows [from, to). */
export function sumSizes(table: FragmentTable, from = 0, to = table.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += table.sizeBytes[i] ?? 0;
  return sum;
}

/** Rows [from, to) as a view over the same columns (no copy). */
export function sliceTable(table: FragmentTable, from: number, to: number): FragmentTable {
  const start = Math.max(0, Math.min(from, table.length));
  const end = Math.max(start, Math.min(to, table.length));
  return {
    length: end - start,
    serverMs: table.serverMs.subarray(start, end),
    producerMs: table.producerMs.subarray(start, end),
    durationMs: table.durationMs.subarray(start, end),
    sizeBytes: table.sizeBytes.subarray(start, end),
    digits: table.digits,
    digitStart: table.digitStart.subarray(start, end + 1),
  };
}

/** Appends rows one at a time (a ListFragments page at a time), growing the columns by doubling. */
export type TableBuilder = {
  push(fragment: {
    fragmentNumber: string;
    serverMs: number;
    producerMs: number;
    durationMs: number;
    sizeBytes: number;
  }): void;
  /** Appends row i of another table. */
  pushRow(table: FragmentTable, i: number): void;
  /** The rows so far, trimmed to size; the builder must not be used afterwards. */
  finish(): FragmentTable;
};

type Columns = {
  serverMs: Float64Array;
  producerMs: Float64Array;
  durationMs: Float64Array;
  sizeBytes: Float64Array;
  digitStart: Uint32Array;
  digits: Uint8Array;
};

function grown<T extends Float64Array | Uint32Array | Uint8Array>(array: T, need: number): T {
  if (need <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(need, array.length * 2));
  next.set(array);
  return next;
}

export function createTableBuilder(expectedRows = 1024): TableBuilder {
  const rows = Math.max(1, expectedRows);
  const c: Columns = {
    serverMs: new Float64Array(rows),
    producerMs: new Float64Array(rows),
    durationMs: new Float64Array(rows),
    sizeBytes: new Float64Array(rows),
    digitStart: new Uint32Array(rows + 1),
    digits: new Uint8Array(rows * 48),
  };
  let length = 0;
  const reserve = (digitCount: number): number => {
    c.serverMs = grown(c.serverMs, length + 1);
    c.producerMs = grown(c.producerMs, length + 1);
    c.durationMs = grown(c.durationMs, length + 1);
    c.sizeBytes = grown(c.sizeBytes, length + 1);
    c.digitStart = grown(c.digitStart, length + 2);
    const at = c.digitStart[length] ?? 0;
    c.digits = grown(c.digits, at + digitCount);
    return at;
  };
  const append = (serverMs: number, producerMs: number, durationMs: number, sizeBytes: number): void => {
    c.serverMs[length] = serverMs;
    c.producerMs[length] = producerMs;
    c.durationMs[length] = durationMs;
    c.sizeBytes[length] = sizeBytes;
    length++;
  };
  return {
    push(fragment) {
      const number = fragment.fragmentNumber;
      const at = reserve(number.length);
      for (let k = 0; k < number.length; k++) c.digits[at + k] = number.charCodeAt(k);
      c.digitStart[length + 1] = at + number.length;
      append(fragment.serverMs, fragment.producerMs, fragment.durationMs, fragment.sizeBytes);
    },
    pushRow(table, i) {
      const from = table.digitStart[i] ?? 0;
      const to = table.digitStart[i + 1] ?? from;
      const at = reserve(to - from);
      c.digits.set(table.digits.subarray(from, to), at);
      c.digitStart[length + 1] = at + to - from;
      append(table.serverMs[i] ?? 0, table.producerMs[i] ?? 0, table.durationMs[i] ?? 0, table.sizeBytes[i] ?? 0);
    },
    finish() {
      const end = c.digitStart[length] ?? 0;
      return {
        length,
        serverMs: c.serverMs.slice(0, length),
        producerMs: c.producerMs.slice(0, length),
        durationMs: c.durationMs.slice(0, length),
        sizeBytes: c.sizeBytes.slice(0, length),
        digits: c.digits.slice(0, end),
        digitStart: c.digitStart.slice(0, length + 1),
      };
    },
  };
}

/** A table of these fragments, in the given order. */
export function tableOf(list: FragmentList): FragmentTable {
  if (isTable(list)) return list;
  const builder = createTableBuilder(list.length);
  for (const fragment of list) builder.push(fragment);
  return builder.finish();
}

/** The rows at `indices`, in that order, as a new table. */
export function pickRows(table: FragmentTable, indices: ArrayLike<number>): FragmentTable {
  const builder = createTableBuilder(indices.length);
  for (let k = 0; k < indices.length; k++) builder.pushRow(table, indices[k] ?? 0);
  return builder.finish();
}

/** The row with this fragment number as an object (searched from the end, where a plan's last fragment is). */
export function findFragment(table: FragmentTable, fragmentNumber: string | undefined): Fragment | undefined {
  if (fragmentNumber === undefined) return undefined;
  for (let i = table.length - 1; i >= 0; i--) if (numberAt(table, i) === fragmentNumber) return fragmentAt(table, i);
  return undefined;
}

/** The rows of `base` followed by the rows of `extra` whose numbers `base` does not hold (a re-listing). */
export function withNewRows(base: FragmentTable, extra: FragmentTable): FragmentTable {
  const known = new Set<string>();
  for (let i = 0; i < base.length; i++) known.add(numberAt(base, i));
  const builder = createTableBuilder(base.length + extra.length);
  for (let i = 0; i < base.length; i++) builder.pushRow(base, i);
  for (let i = 0; i < extra.length; i++) if (!known.has(numberAt(extra, i))) builder.pushRow(extra, i);
  return builder.finish();
}
