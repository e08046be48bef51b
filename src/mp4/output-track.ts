/**
 * The writers' view of one output track: merged, re-chunked sample tables ready to become `stbl` (or `trun`s).
 * Built by `plan-join` (joined clips) and `write-samples` (the emulator's in-memory fragments).
 */
import type { EditEntry, SampleEntry, TrackKind } from './model.js';

export type OutputTrack = {
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
  /** Output edit list (segment durations in the movie timescale); empty = no `edts`. */
  readonly edits: readonly EditEntry[];
  /** Σ durations in the media timescale (`mdhd`). */
  readonly mediaDuration: number;
  /** Presentation duration in the movie timescale (`tkhd`, `mvhd`). */
  readonly movieDuration: number;
};

export type OutputMovie = {
  readonly movieTimescale: number;
  readonly tracks: readonly OutputTrack[];
};
