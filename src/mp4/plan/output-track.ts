/**
 * The writers' view of one output track: merged, re-chunked sample tables ready to become `stbl` (or `trun`s).
 * Built by `plan-join` (joined clips, in the compact form) and `write-samples` (the emulator's in-memory fragments,
 * as per-unit arrays).
 */
import type { EditEntry, SampleEntry, TrackKind } from '../model.js';
import type { RunEntries } from './run-blocks.js';
import type { BoxChunk } from './table-spill.js';

/** What every output track states besides its sample tables. */
type TrackFacts = {
  readonly trackId: number;
  readonly kind: TrackKind;
  /** Media timescale. */
  readonly timescale: number;
  readonly language: string;
  readonly handlerName: string;
  readonly width: number;
  readonly height: number;
  readonly entries: readonly SampleEntry[];
  /** Constant bytes per sample (PCM), else 0; a unit is then a run of equal samples (see `SampleTable`). */
  readonly constantSampleSize: number;
  /** Output edit list (segment durations in the movie timescale); empty = no `edts`. */
  readonly edits: readonly EditEntry[];
  /** Σ durations in the media timescale (`mdhd`). */
  readonly mediaDuration: number;
  /** Presentation duration in the movie timescale (`tkhd`, `mvhd`). */
  readonly movieDuration: number;
};

/** Sample tables as one entry per unit: simple, for outputs small enough to hold that way (the emulator's clips). */
export type UnitTables = {
  /** Per unit, in decode order. */
  readonly sizes: Uint32Array;
  /** Per-sample duration of each unit, media timescale. */
  readonly durations: Uint32Array;
  /** Samples per unit; `null` = 1 each. */
  readonly sampleCounts: Uint32Array | null;
  /** CTS − DTS per unit; `null` = all 0. */
  readonly ctsOffsets: Int32Array | null;
  /** 1 = sync; `null` = every unit is sync (no `stss`). */
  readonly sync: Uint8Array | null;
  /** 0-based index into `entries` per unit. */
  readonly entryIndex: Uint8Array;
  /** Offset of each chunk relative to the start of the `mdat` payload. */
  readonly chunkOffsets: Float64Array;
  /** Units per chunk (a chunk never mixes sample entries). */
  readonly chunkUnitCounts: Uint32Array;
};

/**
 * Sample tables already in the run-length shape of their boxes, so that memory grows per sample only where the format
 * does (stsz: 4 bytes per sample, kept as the big-endian bytes it is written as). Built by `TablesBuilder`.
 */
export type CompactTables = {
  /** Samples in the track (what stsz counts). */
  readonly sampleCount: number;
  /** stts runs (samples, delta) as the box's entry bytes (`run-blocks.ts`). */
  readonly stts: RunEntries;
  /** ctts runs (samples, offset) as the box's entry bytes; `null` when every offset is 0 (no ctts). */
  readonly ctts: RunEntries | null;
  /** 1-based sync sample numbers as arithmetic runs (first, count, step); `null` = every sample is sync (no stss). */
  readonly stss: {
    readonly total: number;
    readonly firsts: ArrayLike<number>;
    readonly counts: ArrayLike<number>;
    readonly steps: ArrayLike<number>;
  } | null;
  /** stsz entries (big-endian u32 per sample) in blocks, maybe spilled; `null` with a constant sample size. */
  readonly stszEntries: readonly BoxChunk[] | null;
  /** stsc runs (first chunk 1-based, samples per chunk, 1-based sample description index). */
  readonly stsc: {
    readonly firstChunks: ArrayLike<number>;
    readonly samplesPerChunk: ArrayLike<number>;
    readonly sampleDescriptionIndices: ArrayLike<number>;
  };
  /** Offset of each chunk relative to the start of the `mdat` payload. */
  readonly chunkOffsets: ArrayLike<number>;
};

/** One output track: per-unit arrays, or (long joins) the compact tables. */
export type OutputTrack = TrackFacts & (UnitTables | { readonly compact: CompactTables });

export type OutputMovie = {
  readonly movieTimescale: number;
  readonly tracks: readonly OutputTrack[];
  /** mvhd/tkhd/mdhd creation and modification time, seconds since 1904-01-01 UTC (default 0: unset). */
  readonly creationTime?: number;
  /** Absolute KVS start of the first part (epoch ms), recorded in `moov/udta/kvsS` when known. */
  readonly startMs?: number;
};
