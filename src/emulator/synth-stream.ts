import type { MemorySample, MemoryTrack, SampleEntry } from '../mp4/model.js';
import type { ClipMedia, EmulatedStream, SelectorType, StreamDescription, StreamFragment } from './emulated-stream.js';
import { fragmentNumber } from './fragment-number.js';
import { loopRunBytes, type LoopMedia, type LoopVideo } from './loop-media.js';
import { mixSeed } from './seeded-random.js';

export type SynthStreamOptions = {
  readonly description: StreamDescription;
  /** Distinguishes fragment numbers between streams. */
  readonly ordinal: number;
  readonly media: LoopMedia;
  /** Whole seconds, 1–10 (the fixtures have 1 s GOPs, a fragment is that many GOPs). */
  readonly fragmentSeconds: number;
  /** Server time at which the last fragment has been ingested. */
  readonly spanEndMs: number;
  readonly spanMs: number;
  /** Keep ingesting after spanEnd: later slots become visible as the emulator clock passes them. */
  readonly live?: boolean;
  /**
   * Slot k's producer start is (base + k) × fragment length for a whole-number base, and its number, media and
   * jitter follow base + k: two streams built at different moments agree on every fragment they both hold.
   */
  readonly epochSlots?: boolean;
  /** server = producer + skewMs + jitter, jitter in [0, jitterMs) seeded per slot. */
  readonly skewMs: number;
  readonly jitterMs: number;
  readonly seed: number;
  /** True when the producer was offline at this producer time (no fragment starts then). */
  readonly offline: (producerMs: number) => boolean;
  /** Codec configuration at a producer time: 0 = the preset's, 1 = the alternate (needs `media.altVideo`). */
  readonly configAt: (producerMs: number) => 0 | 1;
};

/**
 * A synthetic stream that loops fixture media over a long span. Nothing is stored per fragment: slot k's times,
 * size, number and samples are computed from k on demand (O(1) metadata via prefix sums), so a 48 h stream costs
 * the same memory as a 1 h one.
 */
export class SynthStream implements EmulatedStream {
  readonly description: StreamDescription;
  readonly slotCount: number;
  readonly #o: SynthStreamOptions;
  readonly #framesPerFragment: number;
  readonly #lengthMs: number;
  readonly #producerOriginMs: number;
  /** Added to a slot index wherever the slot's identity matters (number, media, jitter): 0 unless epochSlots. */
  readonly #slotBase: number;
  /** Fragment duration in the audio timescale. */
  readonly #audioPerFragment: number;

  /** Throws RangeError for a fragment length outside 1–10 s or jitter not below it (spec parsing validates first). */
  constructor(options: SynthStreamOptions) {
    const { video } = options.media;
    if (!Number.isInteger(options.fragmentSeconds) || options.fragmentSeconds < 1 || options.fragmentSeconds > 10) {
      throw new RangeError(`fragment length must be 1-10 whole seconds, got ${options.fragmentSeconds}`);
    }
    this.#o = options;
    this.description = options.description;
    const gopSeconds = (video.gopFrames * video.frameDuration) / video.header.timescale;
    this.#framesPerFragment = Math.round(options.fragmentSeconds / gopSeconds) * video.gopFrames;
    this.#lengthMs = Math.round((this.#framesPerFragment * video.frameDuration * 1000) / video.header.timescale);
    if (options.jitterMs >= this.#lengthMs) throw new RangeError('jitter must stay below the fragment length');
    const archived = Math.max(0, Math.floor(options.spanMs / this.#lengthMs));
    // Anchor producer time so the last archived slot's server start lands at or before spanEnd (on the epoch grid
    // with epochSlots).
    const lastEndMs = options.spanEndMs - options.skewMs;
    const gridEndMs = options.epochSlots === true ? Math.floor(lastEndMs / this.#lengthMs) * this.#lengthMs : lastEndMs;
    this.#producerOriginMs = gridEndMs - archived * this.#lengthMs;
    this.#slotBase = options.epochSlots === true ? this.#producerOriginMs / this.#lengthMs : 0;
    this.slotCount = options.live === true ? archived + Math.ceil(LIVE_HORIZON_MS / this.#lengthMs) : archived;
    const audio = options.media.audio;
    this.#audioPerFragment =
      audio === undefined
        ? 0
        : Math.round((this.#framesPerFragment * video.frameDuration * audio.header.timescale) / video.header.timescale);
  }

  /** Fragment length in milliseconds. */
  get fragmentLengthMs(): number {
    return this.#lengthMs;
  }

  slotTime(slot: number, selector: SelectorType): number {
    const producerMs = this.#producerOriginMs + slot * this.#lengthMs;
    return selector === 'PRODUCER_TIMESTAMP' ? producerMs : producerMs + this.#o.skewMs + this.#jitter(slot);
  }

  fragmentAt(slot: number): StreamFragment | undefined {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slotCount) return undefined;
    const producerMs = this.slotTime(slot, 'PRODUCER_TIMESTAMP');
    if (this.#o.offline(producerMs)) return undefined;
    const configId = this.#configOf(producerMs);
    const video = this.#videoFor(configId);
    const firstFrame = (this.#slotBase + slot) * this.#framesPerFragment;
    let sizeBytes = loopRunBytes(video.prefixBytes, firstFrame, firstFrame + this.#framesPerFragment);
    const audio = this.#o.media.audio;
    if (audio !== undefined) {
      const [from, to] = this.#audioUnits(slot);
      sizeBytes += loopRunBytes(audio.prefixBytes, from, to);
    }
    return {
      slot,
      fragmentNumber: fragmentNumber(this.#o.ordinal, this.#slotBase + slot),
      producerMs,
      serverMs: this.slotTime(slot, 'SERVER_TIMESTAMP'),
      durationMs: this.#lengthMs,
      sizeBytes,
      configId,
    };
  }

  clipMedia(fragments: readonly StreamFragment[]): ClipMedia {
    const first = fragments[0];
    const firstVideo = this.#videoFor(first?.configId ?? 0);
    const entries: SampleEntry[] = [];
    const entryOf = new Map<number, number>();
    const videoSamples: MemorySample[] = [];
    const audioSamples: MemorySample[] = [];
    const audio = this.#o.media.audio;
    const fragmentTicks = this.#framesPerFragment * firstVideo.frameDuration;
    fragments.forEach((fragment, position) => {
      const video = this.#videoFor(fragment.configId);
      let entryIndex = entryOf.get(fragment.configId);
      if (entryIndex === undefined) {
        entryIndex = entries.length;
        entries.push(video.entry);
        entryOf.set(fragment.configId, entryIndex);
      }
      const firstFrame = (this.#slotBase + fragment.slot) * this.#framesPerFragment;
      for (let i = 0; i < this.#framesPerFragment; i += 1) {
        const frame = (firstFrame + i) % video.frameCount;
        videoSamples.push({
          dts: position * fragmentTicks + i * firstVideo.frameDuration,
          duration: firstVideo.frameDuration,
          ctsOffset: video.ctsOffsets[frame] ?? 0,
          sync: i % video.gopFrames === 0,
          entryIndex,
          size: video.sizes[frame] ?? 0,
          bytes: () => video.frameBytes(frame),
        });
      }
      if (audio !== undefined) {
        const [from, to] = this.#audioUnits(fragment.slot);
        const fragmentStart = (this.#slotBase + fragment.slot) * this.#audioPerFragment;
        for (let m = from; m < to; m += 1) {
          const unit = m % audio.unitCount;
          audioSamples.push({
            dts: position * this.#audioPerFragment + m * audio.unitSamples - fragmentStart,
            duration: audio.unitSamples,
            ctsOffset: 0,
            sync: true,
            entryIndex: 0,
            size: audio.sizes[unit] ?? 0,
            bytes: () => audio.unitBytes(unit),
          });
        }
      }
    });
    const tracks: MemoryTrack[] = [
      {
        ...firstVideo.header,
        width: firstVideo.entry.width ?? firstVideo.header.width,
        height: firstVideo.entry.height ?? firstVideo.header.height,
        entries,
        samples: videoSamples,
      },
    ];
    if (audio !== undefined)
      tracks.push({
        ...audio.header,
        entries: [audio.entry],
        samples: closeAudioGaps(audioSamples, audio.unitSamples),
      });
    return { movieTimescale: 1000, tracks };
  }

  #audioUnits(slot: number): [number, number] {
    const audio = this.#o.media.audio;
    if (audio === undefined) return [0, 0];
    const start = (this.#slotBase + slot) * this.#audioPerFragment;
    return [Math.ceil(start / audio.unitSamples), Math.ceil((start + this.#audioPerFragment) / audio.unitSamples)];
  }

  #videoFor(configId: number): LoopVideo {
    return configId === 1 && this.#o.media.altVideo !== undefined ? this.#o.media.altVideo : this.#o.media.video;
  }

  #configOf(producerMs: number): number {
    return this.#o.media.altVideo === undefined ? 0 : this.#o.configAt(producerMs);
  }

  #jitter(slot: number): number {
    return this.#o.jitterMs <= 0 ? 0 : mixSeed(this.#o.seed, 'jitter', this.#slotBase + slot) % this.#o.jitterMs;
  }
}

/** How far a live stream keeps going: ten years of slots stays exact in float math and costs nothing until listed. */
const LIVE_HORIZON_MS = 10 * 365 * 86_400_000;

/**
 * Durations from DTS differences: back-to-back fragments give exactly one unit each, and where non-adjacent
 * fragments meet the earlier unit is shortened so decode times stay strictly increasing and never overlap.
 */
function closeAudioGaps(samples: MemorySample[], unitDuration: number): MemorySample[] {
  return samples.map((sample, i) => {
    const next = samples[i + 1];
    const duration = next === undefined ? unitDuration : Math.min(unitDuration, next.dts - sample.dts);
    return duration === sample.duration ? sample : { ...sample, duration };
  });
}
