import type { MemorySample, MemoryTrack, SampleEntry } from '../mp4/model.js';
import type { ClipMedia } from './emulated-stream.js';
import { mixSeed } from './seeded-random.js';

/**
 * How GetClip bodies look. `aws` (default) imitates the only public capture of real GetClip files (the ffprobe logs
 * in aws-samples/amazon-kinesis-video-streams-demos, python/get-clip/README.md): video timescale 1000 with
 * millisecond frame times that wander by a millisecond ("9.98 fps, 120 tbr, 1k tbn"), language `eng`, handlers
 * "USP Video Handler" / "USP Sound Handler", a creation_time, no encoder name. `fixture` is the fixture's own
 * shape (video timescale 15360, regular frames, `und`, "VideoHandler", `Lavc` encoder name), kept so the client is
 * tested against both.
 */
export type ClipShape = 'aws' | 'fixture';

export const CLIP_SHAPES: readonly ClipShape[] = ['aws', 'fixture'];

/** ClipMedia plus the creation time the writer stamps (seconds since 1904-01-01 UTC). */
export type ShapedClip = ClipMedia & { readonly creationTime?: number };

/** Seconds from 1904-01-01 (the MP4 epoch) to 1970-01-01. */
const MP4_EPOCH_OFFSET_S = 2_082_844_800;
const AWS_VIDEO_TIMESCALE = 1000;

/**
 * Re-shapes clip media as `shape` says; `requestMs` becomes creation_time, `seed` drives the millisecond jitter.
 * The jitter is a function of the exact frame time, so a frame's presentation and decode times move together and
 * composition offsets stay non-negative. Never throws.
 */
export function shapeClip(
  media: ClipMedia,
  options: { shape: ClipShape; requestMs: number; seed: number },
): ShapedClip {
  if (options.shape === 'fixture') return media;
  return {
    movieTimescale: media.movieTimescale,
    creationTime: Math.floor(options.requestMs / 1000) + MP4_EPOCH_OFFSET_S,
    tracks: media.tracks.map((track) =>
      track.kind === 'video'
        ? { ...relabel(track, 'USP Video Handler'), ...toMilliseconds(track, options.seed) }
        : relabel(track, 'USP Sound Handler'),
    ),
  };
}

function relabel(track: MemoryTrack, handlerName: string): MemoryTrack {
  return { ...track, language: 'eng', handlerName, entries: track.entries.map(withoutCompressorName) };
}

/** Video samples in a 1 kHz timescale: each time rounded to the millisecond and moved by -1, 0 or +1 ms. */
function toMilliseconds(track: MemoryTrack, seed: number): Pick<MemoryTrack, 'timescale' | 'samples'> {
  const ms = (ticks: number): number => {
    const exact = Math.round((ticks * AWS_VIDEO_TIMESCALE) / track.timescale);
    return ticks === 0 ? 0 : Math.max(0, exact + (mixSeed(seed, 'frame-ms', ticks) % 3) - 1);
  };
  const dts = track.samples.map((s) => ms(s.dts));
  const samples = track.samples.map((sample, i): MemorySample => {
    const start = dts[i] ?? 0;
    const next = dts[i + 1];
    const duration = next === undefined ? Math.max(1, ms(sample.dts + sample.duration) - start) : next - start;
    const ctsOffset = sample.ctsOffset === 0 ? 0 : Math.max(0, ms(sample.dts + sample.ctsOffset) - start);
    return { ...sample, dts: start, duration, ctsOffset };
  });
  return { timescale: AWS_VIDEO_TIMESCALE, samples };
}

/** Offset of `compressorname` in a VisualSampleEntry box (ISO/IEC 14496-12 §12.1.3), header included. */
const COMPRESSOR_NAME_AT = 50;
const VISUAL_FOURCCS = new Set(['avc1', 'avc3', 'hvc1', 'hev1']);

/** The entry with an empty `compressorname` (where ffmpeg writes "Lavc… libx264", shown as the encoder tag). */
function withoutCompressorName(entry: SampleEntry): SampleEntry {
  if (!VISUAL_FOURCCS.has(entry.fourcc) || entry.raw.length < COMPRESSOR_NAME_AT + 32) return entry;
  const raw = entry.raw.slice();
  raw.fill(0, COMPRESSOR_NAME_AT, COMPRESSOR_NAME_AT + 32);
  return { ...entry, raw };
}
