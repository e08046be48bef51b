/**
 * Serialises in-memory samples as a complete MP4 (moov-first, moov-last or fragmented) whose size is known before
 * the first byte is produced: the emulator synthesises GetClip bodies with it and sends Content-Length up front.
 * Sample bytes are pulled lazily through `MemorySample.bytes()`, so a 100 MB clip is never held at once.
 *
 * Longer than 300 lines: the progressive and the fragmented layouts share the unit list and the size-known-first
 * invariant (every box's size fixed before the first byte is emitted), so they are read side by side. Emulator-only.
 */
import { InternalError } from '../errors/internal-error.js';
import { buildFtyp } from '../mp4/boxes/ftyp.js';
import { buildFragmentHead } from '../mp4/boxes/build-moof.js';
import { buildMoov } from '../mp4/boxes/build-moov.js';
import { mdatHeader } from '../mp4/boxes/byte-writer.js';
import type { ClipLayout, EditEntry, MemorySample, MemoryTrack } from '../mp4/model.js';
import { outputEdits } from '../mp4/plan/output-edits.js';
import type { OutputTrack } from '../mp4/plan/output-track.js';
import { planChunks, type PlannedChunk } from '../mp4/plan/plan-chunks.js';
import { planFragments, type FragmentTrack } from '../mp4/plan/plan-fragments.js';
import { rescale } from '../mp4/rescale.js';

export type ClipStream = {
  /** Exact number of bytes `chunks()` yields. */
  readonly sizeBytes: number;
  /**
   * The file, front to back, generated lazily (works with `for await` and `Readable.from`); each call starts over.
   * Throws `InternalError` if a sample's bytes disagree with its declared size.
   */
  chunks(): Iterable<Uint8Array>;
};

export type ClipStreamInput = {
  readonly movieTimescale: number;
  readonly tracks: readonly MemoryTrack[];
  /** Creation time written into mvhd/tkhd/mdhd, seconds since 1904-01-01 UTC (default: unset, 0). */
  readonly creationTime?: number;
};

const MAX_U32 = 0xffffffff;

/**
 * Lays out `input` as one MP4 in `options.layout`. Progressive layouts start every track's tables at its first
 * sample and express the tracks' relative start (and a B-frame delay) in edit lists unless the track brings its own
 * `edits`; fragmented output keeps the samples' decode times in `tfdt`. For A-law a `MemorySample` is a run of
 * one-byte samples (`size` samples, `duration` = their total span), written with a constant `stsz` and re-chunked.
 * Throws `InternalError` for inconsistent input (e.g. a PCM span not divisible by its sample count).
 */
export function buildClipStream(input: ClipStreamInput, options: { layout: ClipLayout }): ClipStream {
  const tracks = input.tracks.map(toUnits);
  const layout = options.layout;
  const fragmented = layout === 'fragmented';
  const chunks = planChunks(
    tracks.map((t) => ({
      timescale: t.source.timescale,
      dts: t.dts,
      spans: t.spans,
      entryIndex: t.entryIndex,
      sync: t.sync,
    })),
    fragmented ? { breakAtSync: true } : {},
  );
  const head = fragmented ? fragmentedHead(input, tracks, chunks) : progressiveHead(input, tracks, chunks, layout);
  let size = 0;
  for (const part of head.parts) size += part.kind === 'bytes' ? part.bytes.length : part.size;
  return {
    sizeBytes: size,
    chunks: () => emit(head.parts, tracks),
  };
}

type Units = {
  readonly source: MemoryTrack;
  readonly samples: readonly MemorySample[];
  readonly sizes: Uint32Array;
  readonly durations: Uint32Array;
  readonly sampleCounts: Uint32Array | null;
  readonly ctsOffsets: Int32Array;
  readonly sync: Uint8Array | null;
  readonly entryIndex: Uint8Array;
  readonly dts: Float64Array;
  readonly spans: Float64Array;
};

/** A piece of the output: literal bytes, or the payload of these chunks. */
type Piece = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'chunks'; chunks: readonly PlannedChunk[]; size: number };

function toUnits(track: MemoryTrack): Units {
  const n = track.samples.length;
  const sizes = new Uint32Array(n);
  const durations = new Uint32Array(n);
  const css = track.entries.length > 0 && track.kind === 'audio' ? pcmSize(track) : 0;
  const sampleCounts = css > 0 ? new Uint32Array(n) : null;
  const ctsOffsets = new Int32Array(n);
  const sync = track.kind === 'video' ? new Uint8Array(n) : null;
  const entryIndex = new Uint8Array(n);
  const dts = new Float64Array(n);
  const spans = new Float64Array(n);
  track.samples.forEach((s, i) => {
    sizes[i] = s.size;
    let count = 1;
    if (sampleCounts !== null) {
      count = s.size / css;
      if (!Number.isInteger(count) || count < 1 || s.duration % count !== 0) {
        throw new InternalError(`PCM sample ${i} of track ${track.trackId}: ${s.size} bytes, duration ${s.duration}`);
      }
      sampleCounts[i] = count;
    }
    durations[i] = s.duration / count;
    ctsOffsets[i] = s.ctsOffset;
    if (sync !== null) sync[i] = s.sync ? 1 : 0;
    entryIndex[i] = s.entryIndex;
    dts[i] = s.dts;
    spans[i] = s.duration;
  });
  return {
    source: track,
    samples: track.samples,
    sizes,
    durations,
    sampleCounts,
    ctsOffsets,
    sync,
    entryIndex,
    dts,
    spans,
  };
}

/** Constant bytes per sample for A-law (one byte per sample, `stsz.sample_size = 1`). */
function pcmSize(track: MemoryTrack): number {
  return track.entries.every((e) => e.codec === 'alaw') ? 1 : 0;
}

function progressiveHead(
  input: ClipStreamInput,
  tracks: readonly Units[],
  chunks: readonly PlannedChunk[],
  layout: 'moov-first' | 'moov-last',
): { parts: Piece[] } {
  const chunkOffsets = tracks.map(() => [] as number[]);
  const chunkUnits = tracks.map(() => [] as number[]);
  let payload = 0;
  for (const c of chunks) {
    const t = tracks[c.track];
    if (t === undefined) continue;
    chunkOffsets[c.track]?.push(payload);
    chunkUnits[c.track]?.push(c.unitCount);
    for (let u = c.firstUnit; u < c.firstUnit + c.unitCount; u++) payload += t.sizes[u] ?? 0;
  }
  const origin = earliestStart(tracks);
  const outTracks = tracks.map((t, i) =>
    toOutputTrack(t, input.movieTimescale, origin, chunkOffsets[i] ?? [], chunkUnits[i] ?? []),
  );
  const movie = { movieTimescale: input.movieTimescale, tracks: outTracks, ...creation(input) };
  const ftyp = buildFtyp({ majorBrand: 'isom', minorVersion: 512, compatibleBrands: ['isom', 'iso2', 'avc1', 'mp41'] });
  const header = mdatHeader(payload);
  const data: Piece = { kind: 'chunks', chunks, size: payload };
  if (layout === 'moov-last') {
    const moov = buildMoov(movie, {
      layout: 'progressive',
      payloadOffset: ftyp.length + header.length,
      co64ThresholdBytes: MAX_U32,
    });
    return { parts: [bytes(ftyp), bytes(header), data, bytes(moov)] };
  }
  // The moov size depends on the offsets only through the stco/co64 choice, so two or three builds settle it.
  let moov = buildMoov(movie, {
    layout: 'progressive',
    payloadOffset: ftyp.length + header.length,
    co64ThresholdBytes: MAX_U32,
  });
  for (let i = 0; i < 3; i++) {
    const next = buildMoov(movie, {
      layout: 'progressive',
      payloadOffset: ftyp.length + moov.length + header.length,
      co64ThresholdBytes: MAX_U32,
    });
    if (next.length === moov.length) {
      moov = next;
      break;
    }
    moov = next;
  }
  return { parts: [bytes(ftyp), bytes(moov), bytes(header), data] };
}

function earliestStart(tracks: readonly Units[]): { dts: number; timescale: number } {
  let best = { dts: 0, timescale: 1 };
  let first = true;
  for (const t of tracks) {
    const dts = t.dts[0];
    if (dts === undefined) continue;
    const candidate = { dts, timescale: t.source.timescale };
    if (first || BigInt(candidate.dts) * BigInt(best.timescale) < BigInt(best.dts) * BigInt(candidate.timescale))
      best = candidate;
    first = false;
  }
  return best;
}

function toOutputTrack(
  t: Units,
  movieTimescale: number,
  origin: { dts: number; timescale: number },
  chunkOffsets: readonly number[],
  chunkUnits: readonly number[],
): OutputTrack {
  const ts = t.source.timescale;
  let mediaDuration = 0;
  let minCts = Number.POSITIVE_INFINITY;
  let presentationEnd = 0;
  for (let i = 0; i < t.sizes.length; i++) {
    const rel = mediaDuration;
    const cts = rel + (t.ctsOffsets[i] ?? 0);
    minCts = Math.min(minCts, cts);
    mediaDuration += t.spans[i] ?? 0;
    presentationEnd = Math.max(presentationEnd, cts + (t.spans[i] ?? 0));
  }
  const given: readonly EditEntry[] | undefined = t.source.edits;
  const firstDts = (t.dts[0] ?? 0) - rescale(origin.dts, origin.timescale, ts);
  const computed = outputEdits({
    timescale: ts,
    movieTimescale,
    firstDts,
    minCts: Number.isFinite(minCts) ? minCts : 0,
    presentationEnd,
  });
  const edits = given ?? computed.edits;
  const movieDuration =
    given === undefined ? computed.movieDuration : given.reduce((sum, e) => sum + e.segmentDuration, 0);
  return {
    trackId: t.source.trackId,
    kind: t.source.kind,
    timescale: ts,
    language: t.source.language,
    handlerName: t.source.handlerName,
    width: t.source.width,
    height: t.source.height,
    entries: t.source.entries,
    constantSampleSize: t.sampleCounts === null ? 0 : 1,
    sizes: t.sizes,
    durations: t.durations,
    sampleCounts: t.sampleCounts,
    ctsOffsets: t.ctsOffsets,
    sync: t.sync,
    entryIndex: t.entryIndex,
    chunkOffsets: Float64Array.from(chunkOffsets),
    chunkUnitCounts: Uint32Array.from(chunkUnits),
    edits,
    mediaDuration,
    movieDuration,
  };
}

/** The input's creation time as an OutputMovie field (absent when unset). */
function creation(input: ClipStreamInput): { creationTime?: number } {
  return input.creationTime === undefined ? {} : { creationTime: input.creationTime };
}

function fragmentedHead(
  input: ClipStreamInput,
  tracks: readonly Units[],
  chunks: readonly PlannedChunk[],
): { parts: Piece[] } {
  const ftyp = buildFtyp({ majorBrand: 'iso5', minorVersion: 512, compatibleBrands: ['iso5', 'iso6', 'mp41'] });
  const init = tracks.map((t) => toOutputTrack(t, input.movieTimescale, { dts: 0, timescale: 1 }, [], []));
  const moov = buildMoov(
    {
      movieTimescale: input.movieTimescale,
      tracks: init.map((t, i) => ({ ...t, edits: tracks[i]?.source.edits ?? [] })),
      ...creation(input),
    },
    { layout: 'fragmented' },
  );
  const fragmentTracks: FragmentTrack[] = tracks.map((t) => ({
    trackId: t.source.trackId,
    constantSampleSize: t.sampleCounts === null ? 0 : 1,
    sizes: t.sizes,
    durations: t.durations,
    sampleCounts: t.sampleCounts,
    ctsOffsets: t.ctsOffsets,
    sync: t.sync,
    entryIndex: t.entryIndex,
    dts: t.dts,
  }));
  const lead = Math.max(
    0,
    tracks.findIndex((t) => t.source.kind === 'video'),
  );
  const fragments = planFragments(fragmentTracks, chunks, { leadTrack: lead, sdiOf: (_track, entry) => entry + 1 });
  const parts: Piece[] = [bytes(ftyp), bytes(moov)];
  fragments.forEach((f, i) => {
    parts.push(bytes(buildFragmentHead(i + 1, f.trafs, f.payloadSize)), {
      kind: 'chunks',
      chunks: f.chunks,
      size: f.payloadSize,
    });
  });
  return { parts };
}

function bytes(data: Uint8Array): Piece {
  return { kind: 'bytes', bytes: data };
}

function* emit(parts: readonly Piece[], tracks: readonly Units[]): Generator<Uint8Array> {
  for (const part of parts) {
    if (part.kind === 'bytes') {
      yield part.bytes;
      continue;
    }
    for (const c of part.chunks) {
      const t = tracks[c.track];
      if (t === undefined) continue;
      for (let u = c.firstUnit; u < c.firstUnit + c.unitCount; u++) {
        const sample = t.samples[u];
        if (sample === undefined) continue;
        const data = sample.bytes();
        if (data.length !== sample.size) {
          throw new InternalError(
            `sample ${u} of track ${t.source.trackId} has ${data.length} bytes, declared ${sample.size}`,
          );
        }
        yield data;
      }
    }
  }
}
