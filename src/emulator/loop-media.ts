import type { MemoryTrack, SampleEntry } from '../mp4/model.js';

/** Track facts copied into every clip (everything of a MemoryTrack except its entries and samples). */
export type TrackHeader = Omit<MemoryTrack, 'samples' | 'entries' | 'edits'>;

/**
 * A video loop source: whole GOPs of one codec configuration, at a constant frame duration. Sizes and bytes already
 * include any bitrate padding, so `prefixBytes` gives exact fragment sizes in O(1).
 */
export type LoopVideo = {
  readonly header: TrackHeader;
  readonly entry: SampleEntry;
  /** In `header.timescale`. */
  readonly frameDuration: number;
  readonly gopFrames: number;
  /** A whole number of GOPs. */
  readonly frameCount: number;
  readonly sizes: Uint32Array;
  readonly ctsOffsets: Int32Array;
  /** prefixBytes[i] = bytes of frames 0…i-1 (length frameCount + 1). */
  readonly prefixBytes: Float64Array;
  frameBytes(frame: number): Uint8Array;
};

/**
 * An audio loop source: `unitCount` units of `unitSamples` samples each, filling the loop exactly, so unit m of the
 * endless stream starts at m × unitSamples and carries the payload of loop unit m mod unitCount (continuous across
 * loop boundaries, strictly increasing DTS).
 */
export type LoopAudio = {
  readonly header: TrackHeader;
  readonly entry: SampleEntry;
  readonly unitSamples: number;
  readonly unitCount: number;
  readonly sizes: Uint32Array;
  readonly prefixBytes: Float64Array;
  unitBytes(unit: number): Uint8Array;
};

/** The media a synthetic stream loops: video, an optional second video configuration, optional audio. */
export type LoopMedia = {
  readonly video: LoopVideo;
  /** Used for fragments after an odd number of codec-config changes. */
  readonly altVideo: LoopVideo | undefined;
  readonly audio: LoopAudio | undefined;
};

/** Prefix sums of sizes (length + 1 entries) for O(1) byte counts of any run. */
export function prefixSums(sizes: Uint32Array): Float64Array {
  const prefix = new Float64Array(sizes.length + 1);
  for (let i = 0; i < sizes.length; i += 1) prefix[i + 1] = (prefix[i] ?? 0) + (sizes[i] ?? 0);
  return prefix;
}

/** Bytes of loop items [from, to) of an endless repetition of a loop with the given prefix sums. */
export function loopRunBytes(prefix: Float64Array, from: number, to: number): number {
  const n = prefix.length - 1;
  const total = prefix[n] ?? 0;
  const at = (i: number): number => Math.floor(i / n) * total + (prefix[i % n] ?? 0);
  return at(to) - at(from);
}
