/**
 * A compact, JSON-safe copy of a parsed clip's index (typed arrays as base64, codec configuration verbatim), kept in
 * join checkpoints so a later process can replay the plan without the part files. Byte offsets are dropped: a
 * replayed part is never copied again, and the output layout does not depend on where samples were in the source.
 */
import { MediaError } from '../../errors/media-error.js';
import type { Clip, SampleEntry, Track } from '../model.js';

export type SampleEntryRecord = {
  readonly fourcc: string;
  readonly codec: SampleEntry['codec'];
  readonly raw: string;
  readonly key: string;
  readonly width?: number;
  readonly height?: number;
  readonly nalLengthSize?: number;
  readonly parameterSets?: readonly string[];
  readonly channelCount?: number;
  readonly sampleRate?: number;
};

export type TrackRecord = Omit<Track, 'samples' | 'entries'> & {
  readonly entries: readonly SampleEntryRecord[];
  readonly unitCount: number;
  readonly sizes: string;
  readonly durations: string;
  readonly sampleCounts: string | null;
  readonly ctsOffsets: string | null;
  readonly sync: string | null;
  readonly entryIndex: string;
  readonly constantSampleSize: number;
};

export type ClipRecord = Omit<Clip, 'tracks'> & { readonly tracks: readonly TrackRecord[] };

/** Encodes `clip` (without sample offsets). */
export function saveClip(clip: Clip): ClipRecord {
  return {
    layout: clip.layout,
    movieTimescale: clip.movieTimescale,
    sizeBytes: clip.sizeBytes,
    tracks: clip.tracks.map(saveTrack),
  };
}

/** Decodes a record made by `saveClip`. Throws `MediaError('E_MP4_PARSE')` when an array has the wrong length. */
export function loadClip(record: ClipRecord): Clip {
  return {
    layout: record.layout,
    movieTimescale: record.movieTimescale,
    sizeBytes: record.sizeBytes,
    tracks: record.tracks.map(loadTrack),
  };
}

function saveTrack(track: Track): TrackRecord {
  const s = track.samples;
  const { samples: _samples, entries, ...rest } = track;
  return {
    ...rest,
    entries: entries.map(saveEntry),
    unitCount: s.unitCount,
    sizes: b64(s.sizes),
    durations: b64(s.durations),
    sampleCounts: s.sampleCounts === null ? null : b64(s.sampleCounts),
    ctsOffsets: s.ctsOffsets === null ? null : b64(s.ctsOffsets),
    sync: s.sync === null ? null : b64(s.sync),
    entryIndex: b64(s.entryIndex),
    constantSampleSize: s.constantSampleSize,
  };
}

function loadTrack(r: TrackRecord): Track {
  const n = r.unitCount;
  const u32 = (text: string): Uint32Array => new Uint32Array(unb64(text, n * 4).buffer);
  return {
    trackId: r.trackId,
    kind: r.kind,
    timescale: r.timescale,
    language: r.language,
    handlerName: r.handlerName,
    entries: r.entries.map(loadEntry),
    edits: r.edits,
    width: r.width,
    height: r.height,
    firstDts: r.firstDts,
    samples: {
      unitCount: n,
      offsets: new Float64Array(n),
      sizes: u32(r.sizes),
      durations: u32(r.durations),
      sampleCounts: r.sampleCounts === null ? null : u32(r.sampleCounts),
      ctsOffsets: r.ctsOffsets === null ? null : new Int32Array(unb64(r.ctsOffsets, n * 4).buffer),
      sync: r.sync === null ? null : unb64(r.sync, n),
      entryIndex: unb64(r.entryIndex, n),
      constantSampleSize: r.constantSampleSize,
    },
  };
}

function saveEntry(e: SampleEntry): SampleEntryRecord {
  const { raw, parameterSets, ...rest } = e;
  return parameterSets === undefined
    ? { ...rest, raw: b64(raw) }
    : { ...rest, raw: b64(raw), parameterSets: parameterSets.map((p) => b64(p)) };
}

function loadEntry(r: SampleEntryRecord): SampleEntry {
  const { raw, parameterSets, ...rest } = r;
  const bytes = Buffer.from(raw, 'base64');
  const entry = { ...rest, raw: new Uint8Array(bytes) };
  return parameterSets === undefined
    ? entry
    : { ...entry, parameterSets: parameterSets.map((p) => new Uint8Array(Buffer.from(p, 'base64'))) };
}

function b64(values: Uint8Array | Uint32Array | Int32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** Decodes into a fresh, aligned buffer of exactly `bytes` bytes. */
function unb64(text: string, bytes: number): Uint8Array {
  const decoded = Buffer.from(text, 'base64');
  if (decoded.length !== bytes)
    throw new MediaError('E_MP4_PARSE', `Checkpoint table has ${decoded.length} bytes, expected ${bytes}`);
  const out = new Uint8Array(bytes);
  out.set(decoded);
  return out;
}
