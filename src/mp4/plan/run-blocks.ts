/**
 * The (count, value) runs of a joined track's stts or ctts, kept as the box's own entries (big-endian u32 count, then
 * u32 delta or i32 offset) in blocks of at most 256 KB (docs/joiner.md, "Memory"). A day of 15 fps video in a
 * millisecond timescale alternates 66/67 ms deltas, so stts has a run per sample: held as two doubling Uint32Arrays,
 * then copied for the last unit and twice more to build the box, it peaked at ≈ 5× its 8.7 MB of entries when the
 * moov was written. Here the entries are written once, full blocks are never touched again (a clone shares them) and
 * the box is made of the blocks themselves.
 */

import type { BoxChunk, TableSpill } from './table-spill.js';

/** Entries per full block (8 bytes each: 256 KB). */
const FULL_BLOCK_ENTRIES = 32 * 1024;
/** Entries in the first block; each next block doubles up to the full size, so short joins stay small. */
const FIRST_BLOCK_ENTRIES = 256;

/** The entries of a finished run table: `entryCount` runs across `entries` (views, in order). */
export type RunEntries = {
  readonly entryCount: number;
  readonly entries: readonly BoxChunk[];
  /** Some value is negative (ctts then needs version 1). */
  readonly anyNegative: boolean;
};

/** Append-only run table; `signed` stores values as i32 (ctts), else as u32 (stts). */
export class RunBlocks {
  /** Full blocks (spilled when there is a spill) and, last, the block being filled. */
  private blocks: BoxChunk[] = [];
  private current: Uint8Array | null = null;
  private view: DataView | null = null;
  /** Entries used in the last block. */
  private used = 0;
  private runs = 0;
  private lastValue = Number.NaN;
  private lastCount = 0;
  private negative = false;

  /** `spill`: where full blocks go (none: they stay in memory). */
  constructor(
    private readonly signed: boolean,
    private readonly spill?: TableSpill,
  ) {}

  /** Runs so far. */
  get length(): number {
    return this.runs;
  }

  /** Adds `samples` samples of `value`: to the last run when it has that value, else as a new run. */
  extend(value: number, samples: number): void {
    if (this.view !== null && this.runs > 0 && this.lastValue === value) {
      this.lastCount = (this.lastCount + samples) >>> 0;
      this.view.setUint32((this.used - 1) * 8, this.lastCount);
      return;
    }
    const view = this.room();
    const at = this.used * 8;
    this.lastCount = samples >>> 0;
    view.setUint32(at, this.lastCount);
    if (this.signed) {
      view.setInt32(at + 4, value);
      this.lastValue = value | 0;
      if (this.lastValue < 0) this.negative = true;
    } else {
      view.setUint32(at + 4, value);
      this.lastValue = value >>> 0;
    }
    this.used++;
    this.runs++;
  }

  /**
   * An independent copy: full blocks are shared (never written again), the last one is copied. The copy keeps its own
   * later blocks in memory (it only ever gets a unit or two more, for a moov).
   */
  clone(): RunBlocks {
    const copy = new RunBlocks(this.signed);
    const tail = this.current?.slice() ?? null;
    copy.blocks = tail === null ? [...this.blocks] : [...this.blocks.slice(0, -1), tail];
    copy.current = tail;
    copy.view = tail === null ? null : new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    copy.used = this.used;
    copy.runs = this.runs;
    copy.lastValue = this.lastValue;
    copy.lastCount = this.lastCount;
    copy.negative = this.negative;
    return copy;
  }

  /** The entries as they stand (views of the blocks: use them before extending again). */
  entries(): RunEntries {
    const last = this.blocks.length - 1;
    return {
      entryCount: this.runs,
      entries: this.blocks.map((b, i) => (i === last && b instanceof Uint8Array ? b.subarray(0, this.used * 8) : b)),
      anyNegative: this.negative,
    };
  }

  private room(): DataView {
    const current = this.current;
    if (this.view !== null && current !== null && this.used * 8 < current.length) return this.view;
    const entries = current === null ? FIRST_BLOCK_ENTRIES : Math.min(FULL_BLOCK_ENTRIES, (current.length / 8) * 2);
    // The full block is never written again (a run that continues starts in the new block).
    if (current !== null && this.spill !== undefined) this.blocks[this.blocks.length - 1] = this.spill(current);
    const block = new Uint8Array(entries * 8);
    this.blocks.push(block);
    this.current = block;
    this.view = new DataView(block.buffer);
    this.used = 0;
    return this.view;
  }
}
