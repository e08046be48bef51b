/**
 * Fragmented MP4 output for pipes (docs/joiner.md, "Codec-configuration changes" / "Output layouts"): `ftyp` +
 * `moov`/`mvex` from the first part, then one `moof` + `mdat` per GOP with `default-base-is-moof`. Never seeks; memory
 * is one part's tables. A codec-config change cannot touch the frozen `stsd`, so the new VPS/SPS/PPS go in-band
 * (length-prefixed) in front of the first sample that uses them. Each part's last sample keeps its provisional duration
 * (the next `tfdt` carries the truth).
 */
import { InternalError } from '../../errors/internal-error.js';
import { buildFtyp } from '../boxes/ftyp.js';
import { buildFragmentHead } from '../boxes/build-moof.js';
import { buildMoov } from '../boxes/build-moov.js';
import { copyPieces } from './copy-pieces.js';
import type { ByteSource, Clip, SampleEntry } from '../model.js';
import { rescale } from '../rescale.js';
import type { OutputTrack } from '../plan/output-track.js';
import { Timeline, type GapPolicy, type JoinGap, type PlacedPart } from '../plan/join-timeline.js';
import { chunkPart, pushRange, type CopyPiece } from '../plan/plan-join.js';
import { planFragments, type FragmentTrack } from '../plan/plan-fragments.js';

const FRAGMENTED_FTYP = buildFtyp({
  majorBrand: 'iso5',
  minorVersion: 512,
  compatibleBrands: ['iso5', 'iso6', 'mp41'],
});

/** Streams a join as fragmented MP4 into `sink`. */
export class FragmentedWriter {
  readonly timeline: Timeline;
  private sequence = 1;
  private written = 0;
  /** Entries in the init segment's stsd, per track. */
  private initEntries: SampleEntry[][] = [];
  /** Key of the configuration the decoder last received, per track. */
  private activeKeys: string[] = [];

  constructor(
    private readonly sink: (bytes: Uint8Array) => Promise<void>,
    options: { readonly gaps: GapPolicy },
  ) {
    this.timeline = new Timeline(options);
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.written;
  }

  /** Places and writes one part. Throws what `Timeline.place`, `source.read` or the sink throw. */
  async appendPart(part: { source: ByteSource; clip: Clip; name: string; startMs?: number }): Promise<JoinGap | null> {
    const placed = this.timeline.place(part);
    if (this.sequence === 1) await this.writeInit(placed);
    const state = this.timeline.state;
    const prefixes = placed.tracks.map((t) => this.inBand(t.trackIndex, t.entryIndex));
    const tracks: FragmentTrack[] = placed.tracks.map((t) => {
      const prefix = prefixes[t.trackIndex];
      const sizes = t.sizes.slice();
      prefix?.forEach((bytes, unit) => (sizes[unit] = (sizes[unit] ?? 0) + bytes.length));
      return {
        trackId: t.trackIndex + 1,
        constantSampleSize: state[t.trackIndex]?.constantSampleSize ?? 0,
        sizes,
        durations: t.durations,
        sampleCounts: t.counts,
        ctsOffsets: t.cts,
        sync: t.sync,
        entryIndex: t.entryIndex,
        dts: t.dts,
      };
    });
    const chunks = chunkPart(
      placed,
      state.map((s) => s.timescale),
      true,
    );
    const lead = Math.max(
      0,
      state.findIndex((s) => s.kind === 'video'),
    );
    const fragments = planFragments(tracks, chunks, {
      leadTrack: lead,
      sdiOf: (track, entry) => (entry < (this.initEntries[track]?.length ?? 0) ? entry + 1 : 1),
    });
    const pieces: CopyPiece[] = [];
    for (const f of fragments) {
      pieces.push({ kind: 'bytes', bytes: buildFragmentHead(this.sequence++, f.trafs, f.payloadSize) });
      for (const c of f.chunks) {
        const t = placed.tracks[c.track];
        if (t === undefined) continue;
        for (let u = c.firstUnit; u < c.firstUnit + c.unitCount; u++) {
          const prefix = prefixes[c.track]?.get(u);
          if (prefix !== undefined) pieces.push({ kind: 'bytes', bytes: prefix });
          pushRange(pieces, t.offsets[u] ?? 0, t.sizes[u] ?? 0);
        }
      }
    }
    await copyPieces(part.source, pieces, (bytes) => this.write(bytes));
    return placed.gap;
  }

  private async write(bytes: Uint8Array): Promise<void> {
    await this.sink(bytes);
    this.written += bytes.length;
  }

  private async writeInit(placed: PlacedPart): Promise<void> {
    const state = this.timeline.state;
    this.initEntries = state.map((s) => [...s.entries]);
    this.activeKeys = state.map((s) => s.entries[0]?.key ?? '');
    const tracks: OutputTrack[] = state.map((s, i) => {
      const t = placed.tracks[i];
      let minCts = 0;
      if (t !== undefined && t.cts !== null && t.cts.length > 0) {
        minCts = Number.POSITIVE_INFINITY;
        for (let u = 0; u < t.cts.length; u++) minCts = Math.min(minCts, (t.dts[u] ?? 0) + (t.cts[u] ?? 0));
      }
      return {
        trackId: i + 1,
        kind: s.kind,
        timescale: s.timescale,
        language: s.source.language,
        handlerName: s.source.handlerName,
        width: s.source.width,
        height: s.source.height,
        entries: this.initEntries[i] ?? [],
        constantSampleSize: s.constantSampleSize,
        sizes: new Uint32Array(0),
        durations: new Uint32Array(0),
        sampleCounts: null,
        ctsOffsets: null,
        sync: null,
        entryIndex: new Uint8Array(0),
        chunkOffsets: new Float64Array(0),
        chunkUnitCounts: new Uint32Array(0),
        edits: fragmentEdits(s.rawOrigin ?? 0, minCts, s.timescale, this.timeline.timescale),
        mediaDuration: 0,
        movieDuration: 0,
      };
    });
    await this.write(FRAGMENTED_FTYP);
    const { startMs } = this.timeline;
    const movie = { movieTimescale: this.timeline.timescale, tracks, ...(startMs === undefined ? {} : { startMs }) };
    await this.write(buildMoov(movie, { layout: 'fragmented' }));
  }

  /** Parameter sets to prepend, by unit, wherever a unit's configuration differs from the decoder's current one. */
  private inBand(track: number, entryIndex: Uint8Array): Map<number, Uint8Array> {
    const out = new Map<number, Uint8Array>();
    const entries = this.timeline.state[track]?.entries ?? [];
    let active = this.activeKeys[track] ?? '';
    for (let u = 0; u < entryIndex.length; u++) {
      const entry = entries[entryIndex[u] ?? 0];
      if (entry === undefined || entry.key === active) continue;
      active = entry.key;
      const prefix = lengthPrefixed(entry);
      if (prefix.length > 0) out.set(u, prefix);
    }
    this.activeKeys[track] = active;
    return out;
  }
}

/** The entry's parameter sets as NAL units with `nalLengthSize`-byte big-endian length prefixes (empty for audio). */
export function lengthPrefixed(entry: SampleEntry): Uint8Array {
  const sets = entry.parameterSets ?? [];
  const size = entry.nalLengthSize ?? 4;
  let total = 0;
  for (const s of sets) total += size + s.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const s of sets) {
    if (s.length >= 2 ** (8 * size))
      throw new InternalError(`parameter set of ${s.length} bytes exceeds NAL length size ${size}`);
    for (let b = size - 1; b >= 0; b--) out[at + (size - 1 - b)] = Math.floor(s.length / 2 ** (8 * b)) & 0xff;
    out.set(s, at + size);
    at += size + s.length;
  }
  return out;
}

/**
 * Init-segment edit list: the empty edit and media time of docs/joiner.md, "Edit lists", with segment duration 0
 * (length unknown up front).
 */
function fragmentEdits(
  firstDts: number,
  minCts: number,
  timescale: number,
  movieTimescale: number,
): OutputTrack['edits'] {
  let media = minCts;
  let empty = firstDts + media;
  if (empty < 0) {
    media -= empty;
    empty = 0;
  }
  const emptyMovie = rescale(empty, timescale, movieTimescale);
  if (emptyMovie === 0 && media === 0) return [];
  const edits = [];
  if (emptyMovie > 0) edits.push({ segmentDuration: emptyMovie, mediaTime: -1, rate: 1 });
  edits.push({ segmentDuration: 0, mediaTime: media, rate: 1 });
  return edits;
}
