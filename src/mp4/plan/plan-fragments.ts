/**
 * Groups interleaved output chunks into fragments for fragmented output: a new fragment starts at each lead-track
 * (video) chunk that begins with a sync sample, i.e. one `moof` + `mdat` per GOP, and wherever a track switches
 * sample entry (one `tfhd` names one entry).
 */
import type { PcmTrunInput, TrafInput, TrunInput } from '../boxes/build-moof.js';
import type { PlannedChunk } from './plan-chunks.js';

/** One track's units in output decode order, with output decode times. */
export type FragmentTrack = {
  readonly trackId: number;
  readonly constantSampleSize: number;
  readonly sizes: ArrayLike<number>;
  readonly durations: ArrayLike<number>;
  readonly sampleCounts: ArrayLike<number> | null;
  readonly ctsOffsets: ArrayLike<number> | null;
  readonly sync: ArrayLike<number> | null;
  readonly entryIndex: ArrayLike<number>;
  /** Output decode time of each unit (`tfdt` of the first unit of a traf). */
  readonly dts: ArrayLike<number>;
};

export type PlannedFragment = {
  /** Chunks in mdat order. */
  readonly chunks: readonly PlannedChunk[];
  readonly trafs: readonly TrafInput[];
  readonly payloadSize: number;
};

/**
 * Splits `chunks` (in file order) into fragments and describes each one's `traf`s. `sdiOf(track, entryIndex)` gives
 * the 1-based `stsd` index to name in `tfhd` (the init segment's entries may differ from the units' own).
 */
export function planFragments(
  tracks: readonly FragmentTrack[],
  chunks: readonly PlannedChunk[],
  options: { readonly leadTrack: number; readonly sdiOf: (track: number, entryIndex: number) => number },
): PlannedFragment[] {
  const groups: PlannedChunk[][] = [];
  let current: PlannedChunk[] = [];
  const lastEntry = new Map<number, number>();
  for (const chunk of chunks) {
    const t = tracks[chunk.track];
    if (t === undefined) continue;
    const entry = t.entryIndex[chunk.firstUnit] ?? 0;
    const startsGop = chunk.track === options.leadTrack && (t.sync === null || t.sync[chunk.firstUnit] === 1);
    const switches = lastEntry.has(chunk.track) && lastEntry.get(chunk.track) !== entry;
    if (current.length > 0 && (startsGop || switches)) {
      groups.push(current);
      current = [];
    }
    current.push(chunk);
    lastEntry.set(chunk.track, entry);
  }
  if (current.length > 0) groups.push(current);
  return groups.map((group) => describeFragment(tracks, group, options.sdiOf));
}

function describeFragment(
  tracks: readonly FragmentTrack[],
  chunks: readonly PlannedChunk[],
  sdiOf: (track: number, entryIndex: number) => number,
): PlannedFragment {
  const runs = new Map<number, { first: number; truns: TrunInput[]; pcm: PcmTrunInput[] }>();
  let payload = 0;
  for (const chunk of chunks) {
    const t = tracks[chunk.track];
    if (t === undefined) continue;
    const entry = runs.get(chunk.track) ?? { first: chunk.firstUnit, truns: [], pcm: [] };
    runs.set(chunk.track, entry);
    const end = chunk.firstUnit + chunk.unitCount;
    if (t.constantSampleSize > 0) {
      let samples = 0;
      for (let u = chunk.firstUnit; u < end; u++) samples += t.sampleCounts?.[u] ?? 1;
      entry.pcm.push({ payloadOffset: payload, sampleCount: samples });
    } else {
      entry.truns.push({
        payloadOffset: payload,
        sizes: slice(t.sizes, chunk.firstUnit, end),
        durations: slice(t.durations, chunk.firstUnit, end),
        ctsOffsets: t.ctsOffsets === null ? null : slice(t.ctsOffsets, chunk.firstUnit, end),
        sync: t.sync === null ? null : slice(t.sync, chunk.firstUnit, end),
      });
    }
    for (let u = chunk.firstUnit; u < end; u++) payload += t.sizes[u] ?? 0;
  }
  const trafs: TrafInput[] = [];
  for (const [track, entry] of [...runs.entries()].sort((a, b) => a[0] - b[0])) {
    const t = tracks[track];
    if (t === undefined) continue;
    const base = {
      trackId: t.trackId,
      baseDts: t.dts[entry.first] ?? 0,
      sampleDescriptionIndex: sdiOf(track, t.entryIndex[entry.first] ?? 0),
      runs: entry.truns,
    };
    trafs.push(
      t.constantSampleSize > 0
        ? {
            ...base,
            pcm: { runs: entry.pcm, sampleSize: t.constantSampleSize, sampleDuration: t.durations[entry.first] ?? 1 },
          }
        : base,
    );
  }
  return { chunks, trafs, payloadSize: payload };
}

function slice(values: ArrayLike<number>, start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) out.push(values[i] ?? 0);
  return out;
}
