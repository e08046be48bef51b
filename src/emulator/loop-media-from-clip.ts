import type { Clip, Track } from '../mp4/model.js';
import { prefixSums, type LoopAudio, type LoopVideo, type TrackHeader } from './loop-media.js';

export type LoopVideoOptions = {
  /** ≥ 1; above 1 each frame gets a filler NAL unit of (multiplier − 1) × its size (size tests). */
  readonly bitrateMultiplier: number;
};

/**
 * Builds a video loop source from a parsed clip held in memory: the whole GOPs of its video track. Requires one
 * sample entry, a constant frame duration and a keyframe every `gopFrames` frames (the fixtures' 1 s closed GOPs).
 * Throws Error naming the problem otherwise.
 */
export function loopVideoFromClip(clip: Clip, bytes: Uint8Array, options: LoopVideoOptions): LoopVideo {
  const track = clip.tracks.find((t) => t.kind === 'video');
  if (track === undefined) throw new Error('the loop source has no video track');
  const entry = track.entries[0];
  if (entry === undefined || track.entries.length !== 1)
    throw new Error('the loop source must have exactly one video sample entry');
  const s = track.samples;
  const frameDuration = s.durations[0] ?? 0;
  const syncs: number[] = [];
  for (let i = 0; i < s.unitCount; i += 1) if (s.sync === null || s.sync[i] === 1) syncs.push(i);
  const gopFrames = (syncs[1] ?? s.unitCount) - (syncs[0] ?? 0);
  if (syncs[0] !== 0 || gopFrames <= 0) throw new Error('the loop source must start with a keyframe');
  const frameCount = Math.floor(s.unitCount / gopFrames) * gopFrames;
  for (let i = 0; i < frameCount; i += 1) {
    if ((s.durations[i] ?? 0) !== frameDuration)
      throw new Error(`the loop source has a variable frame duration at frame ${i}`);
    if ((i % gopFrames === 0) !== syncs.includes(i))
      throw new Error(`the loop source has irregular GOPs at frame ${i}`);
  }
  const filler = fillerNal(entry.codec, entry.nalLengthSize ?? 4);
  const original = s.sizes.subarray(0, frameCount);
  const padding = original.map((size) =>
    options.bitrateMultiplier > 1 ? Math.max(filler.minBytes, Math.round(size * (options.bitrateMultiplier - 1))) : 0,
  );
  const sizes = original.map((size, i) => size + (padding[i] ?? 0));
  const ctsOffsets = new Int32Array(frameCount);
  if (s.ctsOffsets !== null) ctsOffsets.set(s.ctsOffsets.subarray(0, frameCount));
  return {
    header: trackHeader(track),
    entry,
    frameDuration,
    gopFrames,
    frameCount,
    sizes,
    ctsOffsets,
    prefixBytes: prefixSums(sizes),
    frameBytes: (frame) => {
      const offset = s.offsets[frame] ?? 0;
      const payload = bytes.subarray(offset, offset + (original[frame] ?? 0));
      const pad = padding[frame] ?? 0;
      return pad === 0 ? payload : filler.append(payload, pad);
    },
  };
}

/**
 * Builds an audio loop source. AAC: one unit per frame. PCM (A-law): the samples re-cut into units of 1/20 s so
 * every whole-second fragment holds whole units. The track must fill the loop exactly (the fixtures' 8.000 s).
 */
export function loopAudioFromClip(clip: Clip, bytes: Uint8Array): LoopAudio | undefined {
  const track = clip.tracks.find((t) => t.kind === 'audio');
  const entry = track?.entries[0];
  if (track === undefined || entry === undefined) return undefined;
  const s = track.samples;
  if (s.constantSampleSize === 0) {
    const unitSamples = s.durations[0] ?? 1024;
    const sizes = s.sizes.slice(0, s.unitCount);
    return {
      header: trackHeader(track),
      entry,
      unitSamples,
      unitCount: s.unitCount,
      sizes,
      prefixBytes: prefixSums(sizes),
      unitBytes: (unit) => bytes.subarray(s.offsets[unit] ?? 0, (s.offsets[unit] ?? 0) + (s.sizes[unit] ?? 0)),
    };
  }
  const pcm = concatUnits(track, bytes);
  const unitSamples = Math.round(track.timescale / 20);
  const sampleBytes = s.constantSampleSize;
  const unitCount = Math.floor(pcm.length / (unitSamples * sampleBytes));
  const sizes = new Uint32Array(unitCount).fill(unitSamples * sampleBytes);
  return {
    header: trackHeader(track),
    entry,
    unitSamples,
    unitCount,
    sizes,
    prefixBytes: prefixSums(sizes),
    unitBytes: (unit) => pcm.subarray(unit * unitSamples * sampleBytes, (unit + 1) * unitSamples * sampleBytes),
  };
}

function concatUnits(track: Track, bytes: Uint8Array): Uint8Array {
  const s = track.samples;
  let total = 0;
  for (let i = 0; i < s.unitCount; i += 1) total += s.sizes[i] ?? 0;
  const out = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < s.unitCount; i += 1) {
    const offset = s.offsets[i] ?? 0;
    const size = s.sizes[i] ?? 0;
    out.set(bytes.subarray(offset, offset + size), at);
    at += size;
  }
  return out;
}

function trackHeader(track: Track): TrackHeader {
  return {
    trackId: track.trackId,
    kind: track.kind,
    timescale: track.timescale,
    language: track.language,
    handlerName: track.handlerName,
    width: track.width,
    height: track.height,
  };
}

/**
 * Filler data NAL units (H.264 type 12, H.265 type 38), length-prefixed like every NAL in the sample, so padded
 * samples stay decodable: payload 0xFF bytes then the rbsp stop bit 0x80.
 */
function fillerNal(
  codec: string,
  lengthSize: number,
): { minBytes: number; append(payload: Uint8Array, pad: number): Uint8Array } {
  const header = codec === 'h265' ? [38 << 1, 1] : [12];
  const minBytes = lengthSize + header.length + 1;
  return {
    minBytes,
    append(payload, pad) {
      const out = new Uint8Array(payload.length + pad);
      out.set(payload, 0);
      const nalSize = pad - lengthSize;
      for (let i = 0; i < lengthSize; i += 1)
        out[payload.length + i] = Math.floor(nalSize / 256 ** (lengthSize - 1 - i)) % 256;
      out.set(header, payload.length + lengthSize);
      out.fill(0xff, payload.length + lengthSize + header.length, out.length - 1);
      out[out.length - 1] = 0x80;
      return out;
    },
  };
}
