import type { Clip, EditEntry, SampleEntry, Track } from '../../src/mp4/model.js';
import { fakeEntry } from './synthetic-tracks.js';

export type TrackSpec = {
  kind: 'video' | 'audio';
  timescale: number;
  count: number;
  duration: number;
  /** Duration of the last sample (default `duration`). */
  lastDuration?: number;
  gop?: number;
  edits?: EditEntry[];
  entry?: SampleEntry;
  ctsOffset?: number;
  /** A-law: units of `chunk` one-byte samples. */
  pcmChunk?: number;
  /** Offset of the first sample in the synthetic source. */
  baseOffset?: number;
};

/** A parsed-clip look-alike with contiguous samples (sizes 100 + i % 7, or PCM chunks). */
export function syntheticTrack(trackId: number, spec: TrackSpec): Track {
  const n = spec.count;
  const pcm = spec.pcmChunk !== undefined;
  const sizes = new Uint32Array(n);
  const offsets = new Float64Array(n);
  const durations = new Uint32Array(n).fill(spec.duration);
  if (spec.lastDuration !== undefined && n > 0) durations[n - 1] = spec.lastDuration;
  let at = spec.baseOffset ?? 0;
  for (let i = 0; i < n; i++) {
    sizes[i] = pcm ? (spec.pcmChunk ?? 1) : 100 + (i % 7);
    offsets[i] = at;
    at += sizes[i] ?? 0;
  }
  const sync = spec.kind === 'video' ? new Uint8Array(n).map((_v, i) => (i % (spec.gop ?? 15) === 0 ? 1 : 0)) : null;
  const video = spec.kind === 'video';
  return {
    trackId,
    kind: spec.kind,
    timescale: spec.timescale,
    language: 'und',
    handlerName: video ? 'VideoHandler' : 'SoundHandler',
    entries: [
      spec.entry ?? (video ? fakeEntry('avc1', 'h264') : pcm ? fakeEntry('alaw', 'alaw') : fakeEntry('mp4a', 'aac')),
    ],
    edits: spec.edits ?? [],
    width: video ? 320 : 0,
    height: video ? 180 : 0,
    firstDts: 0,
    samples: {
      unitCount: n,
      offsets,
      sizes,
      durations,
      sampleCounts: pcm ? new Uint32Array(n).fill(spec.pcmChunk ?? 1) : null,
      ctsOffsets: spec.ctsOffset === undefined ? null : new Int32Array(n).fill(spec.ctsOffset),
      sync,
      entryIndex: new Uint8Array(n),
      constantSampleSize: pcm ? 1 : 0,
    },
  };
}

/** A clip of the given tracks (video first), movie timescale 1000. */
export function syntheticClip(...specs: TrackSpec[]): Clip {
  let offset = 0;
  const tracks = specs.map((spec, i) => {
    const t = syntheticTrack(i + 1, { ...spec, baseOffset: offset });
    for (const s of t.samples.sizes) offset += s;
    return t;
  });
  return { layout: 'moov-last', movieTimescale: 1000, tracks, sizeBytes: offset };
}

/** 2 s of 15 fps video at timescale 15360 (1024 per frame), as in the fixtures. */
export const video2s: TrackSpec = { kind: 'video', timescale: 15360, count: 30, duration: 1024 };
/** 2 s of 16 kHz AAC (1024-sample frames): 31.25 frames, so 32 overhanging as in the fixtures' clip 0. */
export const aac2s: TrackSpec = { kind: 'audio', timescale: 16000, count: 32, duration: 1024 };
