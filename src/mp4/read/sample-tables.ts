/**
 * `moov/trak` → `Track` (model.ts): header boxes plus the sample tables expanded into compact per-unit typed arrays
 * (stts/ctts/stsz/stsc/stco/co64/stss; ISO/IEC 14496-12 §8.6–8.7). Constant-size PCM (A-law) becomes one unit per
 * chunk, never one entry per byte. Everything is validated against the box sizes and the source size before and
 * after allocating, with `E_MP4_PARSE` errors that name the box path.
 */
import type { BoxView, ByteReader } from './byte-reader.js';
import { parseCtts, type Ctts } from '../boxes/ctts.js';
import { parseEdts } from '../boxes/elst.js';
import { parseHdlr } from '../boxes/hdlr.js';
import { parseMdhd } from '../boxes/mdhd.js';
import { parseCo64, parseStco } from '../boxes/stco.js';
import { parseStsc, type Stsc } from '../boxes/stsc.js';
import { parseStsd } from '../boxes/stsd.js';
import { parseStss } from '../boxes/stss.js';
import { parseStsz, type Stsz } from '../boxes/stsz.js';
import { parseStts, type Stts } from '../boxes/stts.js';
import { parseTkhd } from '../boxes/tkhd.js';
import type { SampleEntry, SampleTable, Track, TrackKind } from '../model.js';
import { parseSampleEntry } from './sample-entry.js';

/** More units than this in one input is not a GetClip clip (1 h of 30 fps video is 108k); refuse before allocating. */
export const MAX_UNITS = 16_000_000;

const KINDS: Readonly<Record<string, TrackKind>> = { vide: 'video', soun: 'audio' };

/**
 * Reads one `trak`. Returns `null` for tracks that are neither video nor audio (timecode, text, hint), which the
 * joiner ignores. Throws `MediaError('E_MP4_PARSE')` for missing or inconsistent boxes (path and offset in the
 * message) and `E_MEDIA_UNSUPPORTED` for an unknown codec.
 */
export function readTrack(trak: BoxView, options: { sourceSize: number }): Track | null {
  const boxes = trak.body.boxMap();
  const mdia = required(boxes, 'mdia', trak.body).body.boxMap();
  const hdlr = parseHdlr(required(mdia, 'hdlr', trak.body).body);
  const kind = KINDS[hdlr.handlerType];
  if (kind === undefined) return null;
  const tkhd = parseTkhd(required(boxes, 'tkhd', trak.body).body);
  const mdhdView = required(mdia, 'mdhd', trak.body);
  const mdhd = parseMdhd(mdhdView.body);
  if (mdhd.timescale === 0) mdhdView.body.fail('mdhd timescale is 0', mdhdView.offset);
  const edtsView = boxes.get('edts');
  const edits = edtsView === undefined ? [] : parseEdts(edtsView.body);
  const minfView = required(mdia, 'minf', trak.body);
  const stblView = required(minfView.body.boxMap(), 'stbl', minfView.body);
  const stbl = stblView.body.boxMap();
  const entries = parseStsd(required(stbl, 'stsd', stblView.body).body).map(parseSampleEntry);
  if (entries.length > 255)
    stblView.body.fail(`stsd has ${entries.length} entries, at most 255 supported`, stblView.offset);
  for (const entry of entries) {
    if ((entry.codec === 'h264' || entry.codec === 'h265') !== (kind === 'video')) {
      stblView.body.fail(`${kind} track has a '${entry.fourcc}' sample entry`, stblView.offset);
    }
  }
  const samples = readSampleTable(stbl, stblView, entries, options.sourceSize);
  return {
    trackId: tkhd.trackId,
    kind,
    timescale: mdhd.timescale,
    language: mdhd.language,
    handlerName: hdlr.name,
    entries,
    edits,
    width: kind === 'video' ? Math.floor(tkhd.width) : 0,
    height: kind === 'video' ? Math.floor(tkhd.height) : 0,
    firstDts: 0,
    samples,
  };
}

function readSampleTable(
  stbl: Map<string, BoxView>,
  stblView: BoxView,
  entries: readonly SampleEntry[],
  sourceSize: number,
): SampleTable {
  const where = stblView.body;
  if (stbl.has('stz2')) where.fail('compact sample sizes (stz2) are not supported', stblView.offset);
  // Some fragmenters leave the init segment's stbl with only stsd: no tables at all means no samples in moov.
  if (!['stsz', 'stts', 'stsc', 'stco', 'co64'].some((type) => stbl.has(type))) return emptyTable();
  const stsz = parseStsz(required(stbl, 'stsz', where).body);
  const stts = parseStts(required(stbl, 'stts', where).body);
  const stsc = parseStsc(required(stbl, 'stsc', where).body);
  const stco = stbl.get('stco');
  const co64 = stbl.get('co64');
  const chunkOffsets =
    stco !== undefined
      ? parseStco(stco.body)
      : co64 !== undefined
        ? parseCo64(co64.body)
        : where.fail('stbl has no stco or co64');
  const cttsView = stbl.get('ctts');
  const ctts = cttsView === undefined ? null : parseCtts(cttsView.body);
  const stssView = stbl.get('stss');
  const stss = stssView === undefined ? null : parseStss(stssView.body);

  const sampleCount = stsz.sampleCount;
  const sttsTotal = sum(stts.sampleCounts);
  if (sttsTotal !== sampleCount) where.fail(`stts covers ${sttsTotal} samples, stsz has ${sampleCount}`);
  checkStsc(stsc, chunkOffsets.length, entries.length, where);
  const pcm = stsz.sampleSize !== 0 && entries.every((e) => e.codec === 'alaw');
  const tables = { stsz, stts, stsc, chunkOffsets, where, sourceSize };
  if (pcm) return chunkUnits(tables);
  if (sampleCount > MAX_UNITS) where.fail(`${sampleCount} samples exceed the ${MAX_UNITS}-sample limit`);
  if (stsz.entrySizes === null && sampleCount * stsz.sampleSize > sourceSize) {
    where.fail(`${sampleCount} samples of ${stsz.sampleSize} bytes exceed the ${sourceSize}-byte input`);
  }
  return sampleUnits(tables, ctts, stss);
}

function emptyTable(): SampleTable {
  return {
    unitCount: 0,
    offsets: new Float64Array(0),
    sizes: new Uint32Array(0),
    durations: new Uint32Array(0),
    sampleCounts: null,
    ctsOffsets: null,
    sync: null,
    entryIndex: new Uint8Array(0),
    constantSampleSize: 0,
  };
}

type Tables = {
  readonly stsz: Stsz;
  readonly stts: Stts;
  readonly stsc: Stsc;
  readonly chunkOffsets: Float64Array;
  readonly where: ByteReader;
  readonly sourceSize: number;
};

/** One unit per sample. */
function sampleUnits(t: Tables, ctts: Ctts | null, stss: Uint32Array | null): SampleTable {
  const n = t.stsz.sampleCount;
  const sizes = t.stsz.entrySizes ?? new Uint32Array(n).fill(t.stsz.sampleSize);
  const durations = expandRuns(t.stts.sampleCounts, t.stts.sampleDeltas, n, Uint32Array);
  let ctsOffsets: Int32Array | null = null;
  if (ctts !== null) {
    const total = sum(ctts.sampleCounts);
    if (total !== n) t.where.fail(`ctts covers ${total} samples, stsz has ${n}`);
    ctsOffsets = expandRuns(ctts.sampleCounts, ctts.sampleOffsets, n, Int32Array);
    if (ctsOffsets.every((v) => v === 0)) ctsOffsets = null;
  }
  let sync: Uint8Array | null = null;
  if (stss !== null) {
    sync = new Uint8Array(n);
    for (const number of stss) {
      if (number < 1 || number > n) t.where.fail(`stss sample number ${number} outside 1..${n}`);
      sync[number - 1] = 1;
    }
    // Normalised like fragmented input: `null` is the model's spelling of "every unit is sync".
    if (sync.every((v) => v === 1)) sync = null;
  }
  const offsets = new Float64Array(n);
  const entryIndex = new Uint8Array(n);
  let sample = 0;
  forEachChunk(t, (chunkOffset, samplesInChunk, entry) => {
    let at = chunkOffset;
    for (let k = 0; k < samplesInChunk && sample < n; k++, sample++) {
      const size = sizes[sample] ?? 0;
      if (at + size > t.sourceSize)
        t.where.fail(`sample ${sample + 1} (${size} bytes @ ${at}) lies outside the ${t.sourceSize}-byte input`);
      offsets[sample] = at;
      entryIndex[sample] = entry;
      at += size;
    }
    return sample < n;
  });
  if (sample < n) t.where.fail(`stsc/stco place only ${sample} of ${n} samples`);
  return {
    unitCount: n,
    offsets,
    sizes,
    durations,
    sampleCounts: null,
    ctsOffsets,
    sync,
    entryIndex,
    constantSampleSize: 0,
  };
}

/** Constant-size PCM: one unit per chunk, split further where the stts delta changes inside a chunk. */
function chunkUnits(t: Tables): SampleTable {
  const n = t.stsz.sampleCount;
  const size = t.stsz.sampleSize;
  const capacity = t.chunkOffsets.length + t.stts.sampleCounts.length;
  if (capacity > MAX_UNITS) t.where.fail(`${capacity} chunks exceed the ${MAX_UNITS}-unit limit`);
  const offsets = new Float64Array(capacity);
  const sizes = new Uint32Array(capacity);
  const durations = new Uint32Array(capacity);
  const sampleCounts = new Uint32Array(capacity);
  const entryIndex = new Uint8Array(capacity);
  let units = 0;
  let placed = 0;
  let run = 0;
  let leftInRun = t.stts.sampleCounts[0] ?? 0;
  forEachChunk(t, (chunkOffset, samplesInChunk, entry) => {
    let at = chunkOffset;
    let left = Math.min(samplesInChunk, n - placed);
    while (left > 0) {
      while (leftInRun === 0 && run + 1 < t.stts.sampleCounts.length) leftInRun = t.stts.sampleCounts[++run] ?? 0;
      if (leftInRun === 0) t.where.fail(`stts runs out before sample ${placed + 1}`);
      const count = Math.min(left, leftInRun);
      const bytes = count * size;
      if (at + bytes > t.sourceSize)
        t.where.fail(`chunk of ${bytes} bytes @ ${at} lies outside the ${t.sourceSize}-byte input`);
      if (units >= capacity || bytes > 0xffffffff) t.where.fail(`chunk of ${count} samples cannot be represented`);
      offsets[units] = at;
      sizes[units] = bytes;
      durations[units] = t.stts.sampleDeltas[run] ?? 0;
      sampleCounts[units] = count;
      entryIndex[units] = entry;
      units++;
      at += bytes;
      left -= count;
      leftInRun -= count;
      placed += count;
    }
    return placed < n;
  });
  if (placed < n) t.where.fail(`stsc/stco place only ${placed} of ${n} samples`);
  return {
    unitCount: units,
    offsets: offsets.slice(0, units),
    sizes: sizes.slice(0, units),
    durations: durations.slice(0, units),
    sampleCounts: sampleCounts.slice(0, units),
    ctsOffsets: null,
    sync: null,
    entryIndex: entryIndex.slice(0, units),
    constantSampleSize: size,
  };
}

/** Walks chunks in order with their sample count and 0-based entry index; stops when `visit` returns false. */
function forEachChunk(t: Tables, visit: (chunkOffset: number, samples: number, entry: number) => boolean): void {
  const runs = t.stsc.firstChunks.length;
  const chunkCount = t.chunkOffsets.length;
  for (let r = 0; r < runs; r++) {
    const first = t.stsc.firstChunks[r] ?? 1;
    const last = r + 1 < runs ? (t.stsc.firstChunks[r + 1] ?? 1) - 1 : chunkCount;
    const perChunk = t.stsc.samplesPerChunk[r] ?? 0;
    const entry = (t.stsc.sampleDescriptionIndices[r] ?? 1) - 1;
    for (let c = first; c <= last; c++) {
      if (!visit(t.chunkOffsets[c - 1] ?? 0, perChunk, entry)) return;
    }
  }
}

function checkStsc(stsc: Stsc, chunkCount: number, entryCount: number, where: ByteReader): void {
  let previous = 0;
  for (let r = 0; r < stsc.firstChunks.length; r++) {
    const first = stsc.firstChunks[r] ?? 0;
    if (r === 0 && first !== 1) where.fail(`stsc starts at chunk ${first}, expected 1`);
    if (first <= previous || first > chunkCount)
      where.fail(`stsc first chunk ${first} out of order or past ${chunkCount} chunks`);
    previous = first;
    const index = stsc.sampleDescriptionIndices[r] ?? 0;
    if (index < 1 || index > entryCount) where.fail(`stsc sample description index ${index} outside 1..${entryCount}`);
  }
}

function expandRuns<T extends Uint32Array | Int32Array>(
  counts: Uint32Array,
  values: Uint32Array | Int32Array,
  total: number,
  Kind: new (length: number) => T,
): T {
  const out = new Kind(total);
  let at = 0;
  for (let r = 0; r < counts.length && at < total; r++) {
    const end = Math.min(total, at + (counts[r] ?? 0));
    out.fill(values[r] ?? 0, at, end);
    at = end;
  }
  return out;
}

function sum(values: Uint32Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function required(boxes: Map<string, BoxView>, type: string, parent: ByteReader): BoxView {
  const view = boxes.get(type);
  if (view === undefined) return parent.fail(`missing ${type}`, parent.startOffset);
  return view;
}
