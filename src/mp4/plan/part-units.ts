/**
 * One part's track prepared for the joiner: sample times converted to the output track's timescale (integer
 * rescale when the part's timescale differs), and helpers to slice off leading units or samples that overlap the
 * previous part.
 */
import { MediaError } from '../../errors/media-error.js';
import type { Track } from '../model.js';
import { rescale } from '../rescale.js';

/** A part's track as mutable working arrays, in the output track's timescale. */
export type PartUnits = {
  /** Decode time of each unit in the part's own media timeline (first = `track.firstDts`), output timescale. */
  readonly dts: Float64Array;
  /** Per-sample duration of each unit. */
  readonly durations: Uint32Array;
  readonly counts: Uint32Array | null;
  readonly cts: Int32Array | null;
  readonly sizes: Uint32Array;
  readonly offsets: Float64Array;
  readonly sync: Uint8Array | null;
  readonly entryIndex: Uint8Array;
  /** Σ unit spans (the track's media duration in this part), output timescale. */
  readonly totalSpan: number;
  /** Media time of the edit list, converted to the output timescale. */
  readonly mediaTime: number;
  /** First unit still in use after overlap trimming. */
  first: number;
};

/**
 * Copies `track`'s tables into working arrays in `timescale`. Throws `MediaError('E_JOIN_MISMATCH')` when a
 * constant-size PCM track would need rescaling (its samples cannot be retimed without touching payload).
 */
export function preparePartUnits(track: Track, timescale: number, mediaTime: number, clipName: string): PartUnits {
  const s = track.samples;
  const n = s.unitCount;
  const same = track.timescale === timescale;
  if (!same && s.constantSampleSize > 0) {
    throw new MediaError(
      'E_JOIN_MISMATCH',
      `PCM timescale ${track.timescale} in ${clipName} differs from ${timescale}`,
    );
  }
  const dts = new Float64Array(n);
  const durations = new Uint32Array(n);
  const cts = s.ctsOffsets === null ? null : new Int32Array(n);
  let inDts = track.firstDts;
  let prevOut = rescale(inDts, track.timescale, timescale);
  for (let i = 0; i < n; i++) {
    const d = s.durations[i] ?? 0;
    const count = s.sampleCounts === null ? 1 : (s.sampleCounts[i] ?? 1);
    const next = inDts + d * count;
    const nextOut = same ? next : rescale(next, track.timescale, timescale);
    dts[i] = prevOut;
    durations[i] = same ? d : Math.max(0, nextOut - prevOut);
    if (cts !== null) {
      const c = s.ctsOffsets?.[i] ?? 0;
      cts[i] = same ? c : rescale(inDts + c, track.timescale, timescale) - prevOut;
    }
    inDts = next;
    prevOut = nextOut;
  }
  return {
    dts,
    durations,
    counts: s.sampleCounts === null ? null : Uint32Array.from(s.sampleCounts),
    cts,
    sizes: Uint32Array.from(s.sizes),
    offsets: Float64Array.from(s.offsets),
    sync: s.sync,
    entryIndex: s.entryIndex,
    totalSpan: prevOut - (n > 0 ? (dts[0] ?? 0) : prevOut),
    mediaTime: same ? mediaTime : rescale(mediaTime, track.timescale, timescale),
    first: 0,
  };
}

/** Samples in unit `i`. */
export function unitCount(units: PartUnits, i: number): number {
  return units.counts === null ? 1 : (units.counts[i] ?? 1);
}

/** Time covered by unit `i`. */
export function unitSpan(units: PartUnits, i: number): number {
  return (units.durations[i] ?? 0) * unitCount(units, i);
}

/**
 * Drops leading samples that start before `limit` (raw time, with `base` added to `dts`): whole units for coded
 * audio (each AAC frame decodes on its own), and for constant-size PCM also the leading samples of a unit, by moving
 * its offset. Never used on video. Returns how many samples were dropped.
 */
export function dropBefore(units: PartUnits, base: number, limit: number, sampleSize: number): number {
  let dropped = 0;
  const n = units.sizes.length;
  while (units.first < n) {
    const i = units.first;
    const start = base + (units.dts[i] ?? 0);
    if (start >= limit) break;
    const count = unitCount(units, i);
    const d = units.durations[i] ?? 0;
    if (sampleSize > 0 && units.counts !== null && d > 0 && start + d * count > limit) {
      const k = Math.ceil((limit - start) / d);
      units.counts[i] = count - k;
      units.sizes[i] = (units.sizes[i] ?? 0) - k * sampleSize;
      units.offsets[i] = (units.offsets[i] ?? 0) + k * sampleSize;
      units.dts[i] = (units.dts[i] ?? 0) + k * d;
      return dropped + k;
    }
    dropped += count;
    units.first++;
  }
  return dropped;
}
