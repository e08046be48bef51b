import { readFile } from 'node:fs/promises';
import { memorySource } from '../mp4/write/file-source.js';
import type { MemorySample, MemoryTrack, Track } from '../mp4/model.js';
import { readClip } from '../mp4/read/read-clip.js';
import type { ClipMedia, EmulatedStream, SelectorType, StreamDescription, StreamFragment } from './emulated-stream.js';
import { fragmentNumber } from './fragment-number.js';

export type FileStreamOptions = {
  readonly describe: (mediaType: string, creationMs: number) => StreamDescription;
  readonly ordinal: number;
  /** Server time at which the file's last fragment was ingested. */
  readonly endMs: number;
  readonly skewMs: number;
  /** A new fragment starts at the first keyframe at least this long after the current one started. */
  readonly fragmentSeconds: number;
};

/** Fragment boundaries as unit indices per track plus the start in the video timescale. */
type Cut = {
  readonly firstFrame: number;
  readonly endFrame: number;
  readonly firstAudio: number;
  readonly endAudio: number;
  readonly startTicks: number;
  readonly ticks: number;
};

/**
 * Loads a user's MP4 (`--stream name=path/to/video.mp4`) as a stream played once, ending at `endMs`, cut at keyframes
 * into fragments of about `fragmentSeconds`. The file is held in memory. Throws MediaError for an unreadable MP4 and
 * Error for a file without video.
 */
export async function loadFileStream(path: string, options: FileStreamOptions): Promise<EmulatedStream> {
  const bytes = await readFile(path);
  const clip = await readClip(memorySource(bytes), { name: path });
  const video = clip.tracks.find((t) => t.kind === 'video');
  if (video === undefined) throw new Error(`${path} has no video track to cut into fragments`);
  const audio = clip.tracks.find((t) => t.kind === 'audio');
  return new FileStream(bytes, video, audio, options);
}

class FileStream implements EmulatedStream {
  readonly description: StreamDescription;
  readonly slotCount: number;
  readonly #cuts: Cut[];
  readonly #producerOriginMs: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly video: Track,
    private readonly audio: Track | undefined,
    private readonly options: FileStreamOptions,
  ) {
    this.#cuts = cutAtKeyframes(video, audio, options.fragmentSeconds);
    this.slotCount = this.#cuts.length;
    const last = this.#cuts[this.#cuts.length - 1];
    const totalMs = last === undefined ? 0 : ((last.startTicks + last.ticks) * 1000) / video.timescale;
    this.#producerOriginMs = options.endMs - totalMs - options.skewMs;
    const codecs = [video, audio].flatMap((t) =>
      t?.entries[0] === undefined ? [] : [`${t.kind}/${t.entries[0].codec}`],
    );
    this.description = options.describe(codecs.join(','), this.#producerOriginMs);
  }

  slotTime(slot: number, selector: SelectorType): number {
    const cut = this.#cuts[Math.min(slot, this.#cuts.length - 1)];
    const producerMs = this.#producerOriginMs + Math.round(((cut?.startTicks ?? 0) * 1000) / this.video.timescale);
    return selector === 'PRODUCER_TIMESTAMP' ? producerMs : producerMs + this.options.skewMs;
  }

  fragmentAt(slot: number): StreamFragment | undefined {
    const cut = this.#cuts[slot];
    if (cut === undefined) return undefined;
    let sizeBytes = 0;
    for (let i = cut.firstFrame; i < cut.endFrame; i += 1) sizeBytes += this.video.samples.sizes[i] ?? 0;
    for (let i = cut.firstAudio; i < cut.endAudio; i += 1) sizeBytes += this.audio?.samples.sizes[i] ?? 0;
    return {
      slot,
      fragmentNumber: fragmentNumber(this.options.ordinal, slot),
      producerMs: this.slotTime(slot, 'PRODUCER_TIMESTAMP'),
      serverMs: this.slotTime(slot, 'SERVER_TIMESTAMP'),
      durationMs: Math.round((cut.ticks * 1000) / this.video.timescale),
      sizeBytes,
      configId: this.video.samples.entryIndex[cut.firstFrame] ?? 0,
    };
  }

  clipMedia(fragments: readonly StreamFragment[]): ClipMedia {
    const videoSamples: MemorySample[] = [];
    const audioSamples: MemorySample[] = [];
    let offsetTicks = 0;
    for (const fragment of fragments) {
      const cut = this.#cuts[fragment.slot];
      if (cut === undefined) continue;
      let dts = offsetTicks;
      for (let i = cut.firstFrame; i < cut.endFrame; i += 1) {
        videoSamples.push(this.#sample(this.video, i, dts));
        dts += this.video.samples.durations[i] ?? 0;
      }
      if (this.audio !== undefined) {
        const a = this.audio;
        const scale = a.timescale / this.video.timescale;
        let adts =
          Math.round(offsetTicks * scale) +
          Math.max(0, unitStart(a, cut.firstAudio) - Math.round(cut.startTicks * scale));
        for (let i = cut.firstAudio; i < cut.endAudio; i += 1) {
          audioSamples.push(this.#sample(a, i, adts));
          adts += unitSpan(a, i);
        }
      }
      offsetTicks += cut.ticks;
    }
    const tracks: MemoryTrack[] = [this.#memoryTrack(this.video, videoSamples)];
    if (this.audio !== undefined) tracks.push(this.#memoryTrack(this.audio, audioSamples));
    return { movieTimescale: 1000, tracks };
  }

  #sample(track: Track, unit: number, dts: number): MemorySample {
    const s = track.samples;
    const offset = s.offsets[unit] ?? 0;
    const size = s.sizes[unit] ?? 0;
    return {
      dts,
      duration: unitSpan(track, unit),
      ctsOffset: s.ctsOffsets?.[unit] ?? 0,
      sync: s.sync === null || s.sync[unit] === 1,
      entryIndex: s.entryIndex[unit] ?? 0,
      size,
      bytes: () => this.bytes.subarray(offset, offset + size),
    };
  }

  #memoryTrack(track: Track, samples: MemorySample[]): MemoryTrack {
    const { trackId, kind, timescale, language, handlerName, width, height, entries } = track;
    return { trackId, kind, timescale, language, handlerName, width, height, entries, samples };
  }
}

function unitSpan(track: Track, unit: number): number {
  return (track.samples.durations[unit] ?? 0) * (track.samples.sampleCounts?.[unit] ?? 1);
}

function unitStart(track: Track, unit: number): number {
  let at = 0;
  for (let i = 0; i < unit; i += 1) at += unitSpan(track, i);
  return at;
}

function cutAtKeyframes(video: Track, audio: Track | undefined, fragmentSeconds: number): Cut[] {
  const s = video.samples;
  const target = fragmentSeconds * video.timescale;
  const starts: number[] = [];
  const startTicks: number[] = [];
  let ticks = 0;
  for (let i = 0; i < s.unitCount; i += 1) {
    const sync = s.sync === null || s.sync[i] === 1;
    const last = startTicks[startTicks.length - 1];
    if (sync && (last === undefined || ticks - last >= target)) {
      starts.push(i);
      startTicks.push(ticks);
    }
    ticks += s.durations[i] ?? 0;
  }
  const totalTicks = ticks;
  const cuts: Cut[] = [];
  let audioUnit = 0;
  let audioAt = 0;
  starts.forEach((first, k) => {
    const end = starts[k + 1] ?? s.unitCount;
    const begin = startTicks[k] ?? 0;
    const finish = startTicks[k + 1] ?? totalTicks;
    const firstAudio = audioUnit;
    if (audio !== undefined) {
      const limit = k + 1 === starts.length ? Infinity : (finish * audio.timescale) / video.timescale;
      while (audioUnit < audio.samples.unitCount && audioAt < limit) {
        audioAt += unitSpan(audio, audioUnit);
        audioUnit += 1;
      }
    }
    cuts.push({
      firstFrame: first,
      endFrame: end,
      firstAudio,
      endAudio: audioUnit,
      startTicks: begin,
      ticks: finish - begin,
    });
  });
  return cuts;
}
