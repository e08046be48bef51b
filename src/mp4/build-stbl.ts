/**
 * stbl, ISO/IEC 14496-12 §8.5.1, built straight from an `OutputTrack`'s compact arrays: stsd, stts, ctts, stss, stsz,
 * stsc and stco/co64, run-length encoded where the format is.
 */
import { box, boxChunks, ByteWriter, fullBox } from './byte-writer.js';
import { buildCtts } from './boxes/ctts.js';
import { buildStsc } from './boxes/stsc.js';
import { buildStsd } from './boxes/stsd.js';
import { buildStss } from './boxes/stss.js';
import { buildStts } from './boxes/stts.js';
import type { OutputTrack } from './output-track.js';

export type StblOptions = {
  /** Added to every `chunkOffsets` value (where the mdat payload starts in the file). */
  readonly payloadOffset: number;
  /** Use `co64` when any chunk offset exceeds this (2^32 − 1 normally; lowered in tests). */
  readonly co64ThresholdBytes: number;
};

/**
 * Builds the `stbl` of a progressive track as its bytes in order (`boxChunks`): the tables are the bulk of a long
 * clip's moov, so they are not copied into a parent here. Throws `InternalError` when tables are inconsistent (a bug).
 */
export function buildStbl(track: OutputTrack, options: StblOptions): Uint8Array[] {
  const parts: (Uint8Array | Uint8Array[])[] = [buildStsd(track.entries.map((e) => e.raw)), buildStts(sttsRuns(track))];
  const ctts = cttsRuns(track);
  if (ctts !== null) parts.push(buildCtts(ctts));
  if (track.sync !== null) parts.push(buildStss(syncNumbers(track)));
  return boxChunks('stbl', ...parts, stszChunks(track), buildStsc(stscRuns(track)), chunkOffsetBox(track, options));
}

/** Empty sample tables for a fragmented init segment (`moov` + `mvex`): only `stsd` has content. */
export function buildEmptyStbl(track: OutputTrack): Uint8Array {
  const none = new ByteWriter(4).u32(0).finish();
  return box(
    'stbl',
    buildStsd(track.entries.map((e) => e.raw)),
    fullBox('stts', 0, 0, none),
    fullBox('stsc', 0, 0, none),
    fullBox('stsz', 0, 0, new ByteWriter(8).u32(0).u32(0).finish()),
    fullBox('stco', 0, 0, none),
  );
}

function countOf(track: OutputTrack, unit: number): number {
  return track.sampleCounts === null ? 1 : (track.sampleCounts[unit] ?? 1);
}

function sttsRuns(track: OutputTrack): { sampleCounts: number[]; sampleDeltas: number[] } {
  const sampleCounts: number[] = [];
  const sampleDeltas: number[] = [];
  const n = track.sizes.length;
  for (let i = 0; i < n; i++) {
    const delta = track.durations[i] ?? 0;
    const count = countOf(track, i);
    const last = sampleDeltas.length - 1;
    if (last >= 0 && sampleDeltas[last] === delta) sampleCounts[last] = (sampleCounts[last] ?? 0) + count;
    else {
      sampleCounts.push(count);
      sampleDeltas.push(delta);
    }
  }
  return { sampleCounts, sampleDeltas };
}

function cttsRuns(track: OutputTrack): { sampleCounts: number[]; sampleOffsets: number[] } | null {
  const offsets = track.ctsOffsets;
  if (offsets === null || offsets.every((o) => o === 0)) return null;
  const sampleCounts: number[] = [];
  const sampleOffsets: number[] = [];
  for (let i = 0; i < offsets.length; i++) {
    const offset = offsets[i] ?? 0;
    const count = countOf(track, i);
    const last = sampleOffsets.length - 1;
    if (last >= 0 && sampleOffsets[last] === offset) sampleCounts[last] = (sampleCounts[last] ?? 0) + count;
    else {
      sampleCounts.push(count);
      sampleOffsets.push(offset);
    }
  }
  return { sampleCounts, sampleOffsets };
}

function syncNumbers(track: OutputTrack): number[] {
  const numbers: number[] = [];
  let sample = 1;
  const sync = track.sync;
  for (let i = 0; i < track.sizes.length; i++) {
    if (sync === null || sync[i] === 1) numbers.push(sample);
    sample += countOf(track, i);
  }
  return numbers;
}

/**
 * stsz (§8.7.3.2), the one table with an entry per sample, written as box header + entries without going through a
 * growable writer, its trimmed copy and a parent copy: one array of the entries instead of four (~10 MB each for a day).
 */
function stszChunks(track: OutputTrack): Uint8Array[] {
  const perSample = track.constantSampleSize === 0;
  let count = track.sizes.length;
  if (!perSample) {
    count = 0;
    for (let i = 0; i < track.sizes.length; i++) count += countOf(track, i);
  }
  const head = new ByteWriter(12).u8(0).u24(0).u32(perSample ? 0 : track.constantSampleSize).u32(count).finish();
  if (!perSample) return boxChunks('stsz', head);
  const entries = new Uint8Array(track.sizes.length * 4);
  const view = new DataView(entries.buffer);
  for (let i = 0; i < track.sizes.length; i++) view.setUint32(i * 4, track.sizes[i] ?? 0);
  return boxChunks('stsz', head, entries);
}

function stscRuns(track: OutputTrack): { firstChunks: number[]; samplesPerChunk: number[]; sampleDescriptionIndices: number[] } {
  const firstChunks: number[] = [];
  const samplesPerChunk: number[] = [];
  const sampleDescriptionIndices: number[] = [];
  let unit = 0;
  for (let c = 0; c < track.chunkUnitCounts.length; c++) {
    const units = track.chunkUnitCounts[c] ?? 0;
    let samples = 0;
    for (let u = unit; u < unit + units; u++) samples += countOf(track, u);
    const sdi = (track.entryIndex[unit] ?? 0) + 1;
    unit += units;
    const last = firstChunks.length - 1;
    if (last >= 0 && samplesPerChunk[last] === samples && sampleDescriptionIndices[last] === sdi) continue;
    firstChunks.push(c + 1);
    samplesPerChunk.push(samples);
    sampleDescriptionIndices.push(sdi);
  }
  return { firstChunks, samplesPerChunk, sampleDescriptionIndices };
}

/**
 * stco, or co64 past the threshold. Local rather than `boxes/stco.ts`'s builder because the threshold must be
 * lowerable for tests of the 64-bit path.
 */
function chunkOffsetBox(track: OutputTrack, options: StblOptions): Uint8Array {
  const n = track.chunkOffsets.length;
  const base = options.payloadOffset;
  const wide = n > 0 && base + (track.chunkOffsets[n - 1] ?? 0) > options.co64ThresholdBytes;
  const w = new ByteWriter(4 + n * (wide ? 8 : 4)).u32(n);
  for (let i = 0; i < n; i++) {
    const offset = base + (track.chunkOffsets[i] ?? 0);
    if (wide) w.u64(offset);
    else w.u32(offset);
  }
  return fullBox(wide ? 'co64' : 'stco', 0, 0, w.finish());
}
