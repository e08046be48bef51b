import type { SampleEntry } from '../../../src/mp4/model.js';
import { prefixSums, type LoopMedia, type LoopVideo } from '../../../src/emulator/loop-media.js';

const videoEntry = (key: string, width: number): SampleEntry => ({
  fourcc: 'avc1',
  codec: 'h264',
  raw: new Uint8Array(8),
  key,
  width,
  height: 180,
  nalLengthSize: 4,
});

function video(key: string, width: number, base: number): LoopVideo {
  // 8 GOPs of 15 frames at 15 fps (timescale 15360): the fixtures' shape, with recognisable sizes.
  const sizes = Uint32Array.from({ length: 120 }, (_, i) => (i % 15 === 0 ? base * 10 : base) + i);
  return {
    header: {
      trackId: 1,
      kind: 'video',
      timescale: 15360,
      language: 'und',
      handlerName: 'VideoHandler',
      width,
      height: 180,
    },
    entry: videoEntry(key, width),
    frameDuration: 1024,
    gopFrames: 15,
    frameCount: 120,
    sizes,
    ctsOffsets: new Int32Array(120),
    prefixBytes: prefixSums(sizes),
    frameBytes: (frame) => new Uint8Array(sizes[frame] ?? 0).fill(frame % 256),
  };
}

/** LoopMedia without fixtures: 8 s of "H.264" + 125 "AAC" frames, optionally a second configuration. */
export function fakeLoopMedia(options: { alt?: boolean; audio?: boolean } = {}): LoopMedia {
  const audioSizes = Uint32Array.from({ length: 125 }, (_, i) => 50 + (i % 7));
  return {
    video: video('primary', 320, 100),
    altVideo: options.alt === true ? video('alt', 480, 200) : undefined,
    audio:
      options.audio === false
        ? undefined
        : {
            header: {
              trackId: 2,
              kind: 'audio',
              timescale: 16000,
              language: 'und',
              handlerName: 'SoundHandler',
              width: 0,
              height: 0,
            },
            entry: {
              fourcc: 'mp4a',
              codec: 'aac',
              raw: new Uint8Array(8),
              key: 'aac',
              channelCount: 1,
              sampleRate: 16000,
            },
            unitSamples: 1024,
            unitCount: 125,
            sizes: audioSizes,
            prefixBytes: prefixSums(audioSizes),
            unitBytes: (unit) => new Uint8Array(audioSizes[unit] ?? 0),
          },
  };
}
