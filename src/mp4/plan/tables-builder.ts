/**
 * Accumulates a progressive track's sample tables unit by unit straight into the run-length shape of stts, ctts,
 * stss and stsc, and stsz's big-endian bytes in fixed-size blocks. Memory then grows by the 4 bytes per sample that
 * stsz needs plus a few bytes per run and per chunk: no per-sample durations, flags or entry indices, and no
 * doubling copies of a day's worth of samples (issue 7, figure 3).
 */
import { Growable } from './growable.js';
import type { CompactTables, UnitTables } from './output-track.js';
import { RunBlocks } from './run-blocks.js';
import type { BoxChunk, TableSpill } from './table-spill.js';

/** One unit as the tables need it (a sample, or a run of equal PCM samples). */
export type TableUnit = {
  readonly size: number;
  /** Per-sample duration, media timescale. */
  readonly duration: number;
  /** Samples in the unit. */
  readonly count: number;
  /** CTS − DTS. */
  readonly cts: number;
  readonly sync: boolean;
};

/** stsz entries per block: 256 KB blocks, written out as they are. */
const BLOCK_ENTRIES = 64 * 1024;

/** Builder of one track's `CompactTables`; call `addChunk` before the units of each chunk. */
export class TablesBuilder {
  private stts: RunBlocks;
  private ctts: RunBlocks;
  private anyCts = false;
  private syncFirsts = new Growable(Float64Array, 16);
  private syncCounts = new Growable(Uint32Array, 16);
  private syncSteps = new Growable(Float64Array, 16);
  private syncTotal = 0;
  /** stsz: full blocks (spilled when there is a spill), then the block being filled. */
  private blocks: BoxChunk[] = [];
  private current: Uint8Array | null = null;
  private block: DataView | null = null;
  private chunkOffsets = new Growable(Float64Array, 256);
  private chunkSamples = new Growable(Uint32Array, 256);
  private chunkEntries = new Growable(Uint8Array, 256);
  private units = 0;
  private samples = 0;
  private dts = 0;
  private minCts = Number.POSITIVE_INFINITY;
  private presentationEnd = 0;

  /** `spill`: where full stsz, stts and ctts blocks go while the join runs (none: they stay in memory). */
  constructor(private readonly spill?: TableSpill) {
    this.stts = new RunBlocks(false, spill);
    this.ctts = new RunBlocks(true, spill);
  }

  /**
   * An independent builder with the same content, to look at the tables with more units added without changing this
   * one. Shares the full stsz blocks (never written again) and copies the rest (runs and per-chunk entries); the
   * copy keeps its own later blocks in memory (it only ever gets a unit or two more, for a moov).
   */
  clone(): TablesBuilder {
    const copy = new TablesBuilder();
    copy.stts = this.stts.clone();
    copy.ctts = this.ctts.clone();
    copy.anyCts = this.anyCts;
    copy.syncFirsts = this.syncFirsts.clone();
    copy.syncCounts = this.syncCounts.clone();
    copy.syncSteps = this.syncSteps.clone();
    copy.syncTotal = this.syncTotal;
    const tail = this.current?.slice() ?? null;
    copy.blocks = tail === null ? [...this.blocks] : [...this.blocks.slice(0, -1), tail];
    copy.current = tail;
    copy.block = tail === null ? null : new DataView(tail.buffer);
    copy.chunkOffsets = this.chunkOffsets.clone();
    copy.chunkSamples = this.chunkSamples.clone();
    copy.chunkEntries = this.chunkEntries.clone();
    copy.units = this.units;
    copy.samples = this.samples;
    copy.dts = this.dts;
    copy.minCts = this.minCts;
    copy.presentationEnd = this.presentationEnd;
    return copy;
  }

  /** Starts a chunk at `offset` (relative to the mdat payload) whose units use sample entry `entry` (0-based). */
  addChunk(offset: number, entry: number): void {
    this.chunkOffsets.push(offset);
    this.chunkSamples.push(0);
    this.chunkEntries.push(entry);
  }

  /** Appends the next unit in decode order to the current chunk. */
  add(unit: TableUnit): void {
    const at = this.units % BLOCK_ENTRIES;
    if (at === 0 || this.block === null) {
      const full = this.current;
      if (full !== null && this.spill !== undefined) this.blocks[this.blocks.length - 1] = this.spill(full);
      const bytes = new Uint8Array(BLOCK_ENTRIES * 4);
      this.blocks.push(bytes);
      this.current = bytes;
      this.block = new DataView(bytes.buffer);
    }
    this.block.setUint32(at * 4, unit.size);
    this.units++;
    this.stts.extend(unit.duration, unit.count);
    this.ctts.extend(unit.cts, unit.count);
    if (unit.cts !== 0) this.anyCts = true;
    if (unit.sync) this.addSync(this.samples + 1);
    this.samples += unit.count;
    const chunk = this.chunkSamples.length - 1;
    this.chunkSamples.set(chunk, this.chunkSamples.at(chunk) + unit.count);
    const span = unit.duration * unit.count;
    const c = this.dts + unit.cts;
    if (c < this.minCts) this.minCts = c;
    if (c + span > this.presentationEnd) this.presentationEnd = c + span;
    this.dts += span;
  }

  /** Σ unit spans so far (the media duration). */
  get mediaDuration(): number {
    return this.dts;
  }

  /** Earliest composition time (0 without units). */
  get earliestCts(): number {
    return this.units > 0 ? this.minCts : 0;
  }

  /** Latest composition end. */
  get latestCtsEnd(): number {
    return this.presentationEnd;
  }

  /**
   * The tables. `withStss: false` leaves out stss (every sample sync); with a `constantSampleSize` stsz has no entries.
   * The stsz blocks are shared, not copied: use the result before adding more units.
   */
  tables(options: { readonly constantSampleSize: number; readonly withStss: boolean }): CompactTables {
    const perSample = options.constantSampleSize === 0;
    const last = this.blocks.length - 1;
    const tail = this.units - last * BLOCK_ENTRIES;
    return {
      sampleCount: perSample ? this.units : this.samples,
      stts: this.stts.entries(),
      ctts: this.anyCts ? this.ctts.entries() : null,
      stss: options.withStss
        ? {
            total: this.syncTotal,
            firsts: this.syncFirsts.view(),
            counts: this.syncCounts.view(),
            steps: this.syncSteps.view(),
          }
        : null,
      stszEntries: perSample
        ? this.blocks.map((b, i) => (i === last && b instanceof Uint8Array ? b.subarray(0, tail * 4) : b))
        : null,
      stsc: stscRuns(this.chunkSamples.view(), this.chunkEntries.view()),
      chunkOffsets: this.chunkOffsets.view(),
    };
  }

  /** Sync numbers as arithmetic runs: a steady GOP length is one run, every-sample-sync audio is one run. */
  private addSync(sample: number): void {
    this.syncTotal++;
    const r = this.syncCounts.length - 1;
    if (r >= 0) {
      const first = this.syncFirsts.at(r);
      const count = this.syncCounts.at(r);
      if (count === 1) {
        this.syncSteps.set(r, sample - first);
        this.syncCounts.set(r, 2);
        return;
      }
      if (sample === first + count * this.syncSteps.at(r)) {
        this.syncCounts.set(r, count + 1);
        return;
      }
    }
    this.syncFirsts.push(sample);
    this.syncCounts.push(1);
    this.syncSteps.push(0);
  }
}

/** `CompactTables` of per-unit arrays (the same bytes the arrays would have been written as). */
export function compactTables(track: UnitTables, constantSampleSize: number): CompactTables {
  const builder = new TablesBuilder();
  let unit = 0;
  for (let c = 0; c < track.chunkUnitCounts.length; c++) {
    builder.addChunk(track.chunkOffsets[c] ?? 0, track.entryIndex[unit] ?? 0);
    const end = unit + (track.chunkUnitCounts[c] ?? 0);
    for (; unit < end; unit++) {
      builder.add({
        size: track.sizes[unit] ?? 0,
        duration: track.durations[unit] ?? 0,
        count: track.sampleCounts === null ? 1 : (track.sampleCounts[unit] ?? 1),
        cts: track.ctsOffsets === null ? 0 : (track.ctsOffsets[unit] ?? 0),
        sync: track.sync === null || track.sync[unit] === 1,
      });
    }
  }
  return builder.tables({ constantSampleSize, withStss: track.sync !== null });
}

function stscRuns(samples: Uint32Array, entries: Uint8Array): CompactTables['stsc'] {
  const firstChunks: number[] = [];
  const samplesPerChunk: number[] = [];
  const sampleDescriptionIndices: number[] = [];
  for (let c = 0; c < samples.length; c++) {
    const count = samples[c] ?? 0;
    const sdi = (entries[c] ?? 0) + 1;
    const last = firstChunks.length - 1;
    if (last >= 0 && samplesPerChunk[last] === count && sampleDescriptionIndices[last] === sdi) continue;
    firstChunks.push(c + 1);
    samplesPerChunk.push(count);
    sampleDescriptionIndices.push(sdi);
  }
  return { firstChunks, samplesPerChunk, sampleDescriptionIndices };
}
