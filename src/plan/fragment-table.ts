import type { Fragment, Selector } from './fragment.js';
import { numberAt } from './fragment-numbers.js';

export { numberAt };

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

/**
 * Appends rows one at a time (a ListFragments page at a time). Rows go into fixed chunks, never into arrays that
 * double and copy, and `finish` makes the columns exactly as long as the rows: when the expected size was given
 * exactly (a pick, a table of known fragments) the one chunk is the table and nothing is copied. A day's listing
 * (43 200 rows with 47-digit numbers: ≈ 3.4 MB of columns) thus costs the rows twice at most while it is built,
 * where the doubling arrays and the trim used to allocate ≈ 4× that in one burst (docs/planning.md, "Fragments in
 * columns").
 */
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

/** One chunk of rows; `digitStart` holds `rows + 1` offsets into this chunk's own `digits`. */
type Chunk = {
  readonly serverMs: Float64Array;
  readonly producerMs: Float64Array;
  readonly durationMs: Float64Array;
  readonly sizeBytes: Float64Array;
  readonly digitStart: Uint32Array;
  readonly digits: Uint8Array;
  rows: number;
};

/** Rows per chunk when the size is not known up front (about a ListFragments page). */
const CHUNK_ROWS = 1024;
/** Digits per row reserved when not known: KVS fragment numbers have 47 digits. */
const DIGITS_PER_ROW = 48;

function newChunk(rows: number, digits: number): Chunk {
  return {
    serverMs: new Float64Array(rows),
    producerMs: new Float64Array(rows),
    durationMs: new Float64Array(rows),
    sizeBytes: new Float64Array(rows),
    digitStart: new Uint32Array(rows + 1),
    digits: new Uint8Array(digits),
    rows: 0,
  };
}

/**
 * A builder for about `expectedRows` rows with `expectedDigits` digits in all (exact values make `finish` copy-free;
 * more rows or digits than expected are fine).
 */
export function createTableBuilder(
  expectedRows = CHUNK_ROWS,
  expectedDigits = Math.max(1, expectedRows) * DIGITS_PER_ROW,
): TableBuilder {
  const chunks: Chunk[] = [newChunk(Math.max(1, expectedRows), Math.max(1, expectedDigits))];
  let chunk = chunks[0]!;
  /** The chunk to append a row of `digitCount` digits to (a new one when the current one is full). */
  const room = (digitCount: number): Chunk => {
    const used = chunk.digitStart[chunk.rows] ?? 0;
    if (chunk.rows < chunk.serverMs.length && used + digitCount <= chunk.digits.length) return chunk;
    chunk = newChunk(CHUNK_ROWS, Math.max(CHUNK_ROWS * DIGITS_PER_ROW, digitCount));
    chunks.push(chunk);
    return chunk;
  };
  const append = (c: Chunk, serverMs: number, producerMs: number, durationMs: number, sizeBytes: number): void => {
    c.serverMs[c.rows] = serverMs;
    c.producerMs[c.rows] = producerMs;
    c.durationMs[c.rows] = durationMs;
    c.sizeBytes[c.rows] = sizeBytes;
    c.rows++;
  };
  return {
    push(fragment) {
      const number = fragment.fragmentNumber;
      const c = room(number.length);
      const at = c.digitStart[c.rows] ?? 0;
      for (let k = 0; k < number.length; k++) c.digits[at + k] = number.charCodeAt(k);
      c.digitStart[c.rows + 1] = at + number.length;
      append(c, fragment.serverMs, fragment.producerMs, fragment.durationMs, fragment.sizeBytes);
    },
    pushRow(table, i) {
      const from = table.digitStart[i] ?? 0;
      const to = table.digitStart[i + 1] ?? from;
      const c = room(to - from);
      const at = c.digitStart[c.rows] ?? 0;
      c.digits.set(table.digits.subarray(from, to), at);
      c.digitStart[c.rows + 1] = at + to - from;
      append(c, table.serverMs[i] ?? 0, table.producerMs[i] ?? 0, table.durationMs[i] ?? 0, table.sizeBytes[i] ?? 0);
    },
    finish() {
      return joinChunks(chunks);
    },
  };
}

/** The chunks as one table: the first chunk itself when it is the only one and exactly full, else exact copies. */
function joinChunks(chunks: readonly Chunk[]): FragmentTable {
  const only = chunks.length === 1 ? chunks[0] : undefined;
  if (only !== undefined && only.rows === only.serverMs.length && only.digitStart[only.rows] === only.digits.length) {
    const { rows: length, ...columns } = only;
    return { length, ...columns };
  }
  let length = 0;
  let digitCount = 0;
  for (const c of chunks) {
    length += c.rows;
    digitCount += c.digitStart[c.rows] ?? 0;
  }
  const out = newChunk(length, digitCount);
  let row = 0;
  let digitsAt = 0;
  for (const c of chunks) {
    const used = c.digitStart[c.rows] ?? 0;
    out.serverMs.set(c.serverMs.subarray(0, c.rows), row);
    out.producerMs.set(c.producerMs.subarray(0, c.rows), row);
    out.durationMs.set(c.durationMs.subarray(0, c.rows), row);
    out.sizeBytes.set(c.sizeBytes.subarray(0, c.rows), row);
    out.digits.set(c.digits.subarray(0, used), digitsAt);
    for (let k = 1; k <= c.rows; k++) out.digitStart[row + k] = digitsAt + (c.digitStart[k] ?? 0);
    row += c.rows;
    digitsAt += used;
  }
  const { rows: _unused, ...columns } = out;
  return { length, ...columns };
}

/** Σ digits of the rows at `indices` (what a copy of those rows needs). */
function digitsOf(table: FragmentTable, indices: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] ?? 0;
    sum += (table.digitStart[i + 1] ?? 0) - (table.digitStart[i] ?? 0);
  }
  return sum;
}

/** A table of these fragments, in the given order. */
export function tableOf(list: FragmentList): FragmentTable {
  if (isTable(list)) return list;
  let digits = 0;
  for (const fragment of list) digits += fragment.fragmentNumber.length;
  const builder = createTableBuilder(list.length, digits);
  for (const fragment of list) builder.push(fragment);
  return builder.finish();
}

/** The rows at `indices`, in that order, as a new table. */
export function pickRows(table: FragmentTable, indices: ArrayLike<number>): FragmentTable {
  const builder = createTableBuilder(indices.length, digitsOf(table, indices));
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
  const digitsIn = (t: FragmentTable): number => (t.digitStart[t.length] ?? 0) - (t.digitStart[0] ?? 0);
  const builder = createTableBuilder(base.length + extra.length, digitsIn(base) + digitsIn(extra));
  for (let i = 0; i < base.length; i++) builder.pushRow(base, i);
  for (let i = 0; i < extra.length; i++) if (!known.has(numberAt(extra, i))) builder.pushRow(extra, i);
  return builder.finish();
}
