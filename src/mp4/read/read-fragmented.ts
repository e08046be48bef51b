/**
 * Fragmented input (ISO/IEC 14496-12 §8.8): `moov` with `mvex/trex`, then `moof` (`mfhd`, `traf` with
 * `tfhd`/`tfdt`/`trun`) + `mdat` pairs → the same `Track`/`SampleTable` a progressive file gives. Field defaults
 * come from `trun`, then `tfhd`, then `trex`; data offsets from an explicit base, `default-base-is-moof`, or the
 * spec's implicit chaining; `firstDts` is the first `tfdt`.
 */
import { MediaError } from '../../errors/media-error.js';
import type { Moof, Traf } from '../boxes/moof.js';
import type { Trex } from '../boxes/mvex.js';
import { isSyncFlags } from '../boxes/trun.js';
import type { SampleTable, Track } from '../model.js';
import { MAX_UNITS } from './sample-tables.js';

/** A parsed `moof` and the file offset of its header (the base for default-base-is-moof offsets). */
export type LoadedMoof = { readonly offset: number; readonly moof: Moof; readonly path: string };

type Accumulator = {
  readonly track: Track;
  readonly trex: Trex;
  readonly pcm: boolean;
  offsets: number[];
  sizes: number[];
  durations: number[];
  counts: number[];
  cts: number[];
  sync: number[];
  entry: number[];
  firstDts: number | undefined;
  nextDts: number;
};

/**
 * Adds the samples of `moofs` (in file order) to `tracks` (whose `moov` tables usually hold no samples; any they
 * hold come first). Tracks without a `trex`, a `traf` for an unknown track, a sample outside the source, a decode
 * time going backwards, or more than `MAX_UNITS` units throw `MediaError('E_MP4_PARSE')` naming the fragment.
 */
export function applyFragments(
  tracks: readonly Track[],
  trex: readonly Trex[],
  moofs: readonly LoadedMoof[],
  options: { sourceSize: number; skippedTrackIds?: ReadonlySet<number> },
): Track[] {
  const accs = new Map<number, Accumulator>();
  for (const track of tracks) {
    const defaults = trex.find((t) => t.trackId === track.trackId);
    if (defaults === undefined) throw fail(`track ${track.trackId} has no trex`, 'moov/mvex', 0);
    accs.set(track.trackId, seed(track, defaults));
  }
  let total = 0;
  // Bounds the work, not just the memory: runs of default-size samples cost no trun bytes, and PCM samples coalesce.
  const budget = { samples: MAX_UNITS + options.sourceSize };
  for (const { offset, moof, path } of moofs) {
    let dataEnd = offset;
    for (const traf of moof.trafs) {
      const acc = accs.get(traf.tfhd.trackId);
      if (acc === undefined) {
        if (options.skippedTrackIds?.has(traf.tfhd.trackId) === true) continue;
        throw fail(`traf for unknown track ${traf.tfhd.trackId}`, path, offset);
      }
      const before = acc.offsets.length;
      dataEnd = addTraf(acc, traf, offset, dataEnd, { path, sourceSize: options.sourceSize, budget });
      total += acc.offsets.length - before;
      if (total > MAX_UNITS) throw fail(`more than ${MAX_UNITS} samples`, path, offset);
    }
  }
  return tracks.map((track) => {
    const acc = accs.get(track.trackId);
    return acc === undefined ? track : finish(acc);
  });
}

function seed(track: Track, trex: Trex): Accumulator {
  const s = track.samples;
  const pcm = track.entries.length > 0 && track.entries.every((e) => e.codec === 'alaw');
  const acc: Accumulator = {
    track,
    trex,
    pcm,
    offsets: Array.from(s.offsets),
    sizes: Array.from(s.sizes),
    durations: Array.from(s.durations),
    counts: s.sampleCounts === null ? new Array<number>(s.unitCount).fill(1) : Array.from(s.sampleCounts),
    cts: s.ctsOffsets === null ? new Array<number>(s.unitCount).fill(0) : Array.from(s.ctsOffsets),
    sync: s.sync === null ? new Array<number>(s.unitCount).fill(1) : Array.from(s.sync),
    entry: Array.from(s.entryIndex),
    firstDts: s.unitCount > 0 ? track.firstDts : undefined,
    nextDts: track.firstDts,
  };
  for (let i = 0; i < s.unitCount; i++) acc.nextDts += (acc.durations[i] ?? 0) * (acc.counts[i] ?? 1);
  return acc;
}

type TrafContext = { path: string; sourceSize: number; budget: { samples: number } };

function addTraf(acc: Accumulator, traf: Traf, moofOffset: number, previousEnd: number, ctx: TrafContext): number {
  const { tfhd } = traf;
  const base = tfhd.baseDataOffset ?? (tfhd.defaultBaseIsMoof ? moofOffset : previousEnd);
  const entry = (tfhd.sampleDescriptionIndex ?? acc.trex.defaultSampleDescriptionIndex) - 1;
  if (entry < 0 || entry >= acc.track.entries.length)
    throw fail(`sample description index ${entry + 1} outside 1..${acc.track.entries.length}`, ctx.path, moofOffset);
  if (traf.baseMediaDecodeTime !== undefined) alignDts(acc, traf.baseMediaDecodeTime, ctx.path, moofOffset);
  else if (acc.firstDts === undefined) acc.firstDts = 0;
  let at = base;
  for (const trun of traf.truns) {
    if (trun.dataOffset !== undefined) at = base + trun.dataOffset;
    ctx.budget.samples -= trun.sampleCount;
    if (ctx.budget.samples < 0) throw fail(`more samples than ${MAX_UNITS} plus the input size`, ctx.path, moofOffset);
    for (let i = 0; i < trun.sampleCount; i++) {
      const duration = trun.durations?.[i] ?? tfhd.defaultSampleDuration ?? acc.trex.defaultSampleDuration;
      const size = trun.sizes?.[i] ?? tfhd.defaultSampleSize ?? acc.trex.defaultSampleSize;
      const flags =
        i === 0 && trun.firstSampleFlags !== undefined
          ? trun.firstSampleFlags
          : (trun.flags?.[i] ?? tfhd.defaultSampleFlags ?? acc.trex.defaultSampleFlags);
      if (at < 0 || at + size > ctx.sourceSize)
        throw fail(
          `sample of ${size} bytes @ ${at} lies outside the ${ctx.sourceSize}-byte input`,
          ctx.path,
          moofOffset,
        );
      push(acc, { offset: at, size, duration, cts: trun.ctsOffsets?.[i] ?? 0, sync: isSyncFlags(flags), entry });
      at += size;
      acc.nextDts += duration;
    }
  }
  return at;
}

/** A tfdt ahead of the running decode time is a gap: the previous sample absorbs it, as stts would express it. */
function alignDts(acc: Accumulator, tfdt: number, path: string, offset: number): void {
  if (acc.firstDts === undefined) {
    acc.firstDts = tfdt;
    acc.nextDts = tfdt;
    return;
  }
  const gap = tfdt - acc.nextDts;
  if (gap < 0) throw fail(`tfdt ${tfdt} is before the previous fragment's end ${acc.nextDts}`, path, offset);
  const last = acc.durations.length - 1;
  if (gap > 0 && last >= 0 && (acc.counts[last] ?? 1) === 1) {
    acc.durations[last] = (acc.durations[last] ?? 0) + gap;
    acc.nextDts = tfdt;
  }
}

type Sample = { offset: number; size: number; duration: number; cts: number; sync: boolean; entry: number };

function push(acc: Accumulator, s: Sample): void {
  const last = acc.offsets.length - 1;
  const perSample = (acc.sizes[last] ?? 0) / (acc.counts[last] ?? 1);
  if (
    acc.pcm &&
    last >= 0 &&
    acc.entry[last] === s.entry &&
    acc.durations[last] === s.duration &&
    perSample === s.size &&
    (acc.offsets[last] ?? 0) + (acc.sizes[last] ?? 0) === s.offset &&
    (acc.sizes[last] ?? 0) + s.size <= 0xffffffff
  ) {
    acc.sizes[last] = (acc.sizes[last] ?? 0) + s.size;
    acc.counts[last] = (acc.counts[last] ?? 1) + 1;
    return;
  }
  acc.offsets.push(s.offset);
  acc.sizes.push(s.size);
  acc.durations.push(s.duration);
  acc.counts.push(1);
  acc.cts.push(s.cts);
  acc.sync.push(s.sync ? 1 : 0);
  acc.entry.push(s.entry);
}

function finish(acc: Accumulator): Track {
  const n = acc.offsets.length;
  const samples: SampleTable = {
    unitCount: n,
    offsets: Float64Array.from(acc.offsets),
    sizes: Uint32Array.from(acc.sizes),
    durations: Uint32Array.from(acc.durations),
    sampleCounts: acc.pcm ? Uint32Array.from(acc.counts) : null,
    ctsOffsets: acc.cts.some((v) => v !== 0) ? Int32Array.from(acc.cts) : null,
    sync: acc.sync.some((v) => v === 0) ? Uint8Array.from(acc.sync) : null,
    entryIndex: Uint8Array.from(acc.entry),
    constantSampleSize: acc.pcm && n > 0 ? (acc.sizes[0] ?? 0) / (acc.counts[0] ?? 1) : 0,
  };
  return { ...acc.track, firstDts: acc.firstDts ?? 0, samples };
}

function fail(message: string, path: string, offset: number): MediaError {
  return new MediaError('E_MP4_PARSE', `${message} in ${path} @ 0x${offset.toString(16)}`);
}
