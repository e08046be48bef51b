import { describe, expect, it } from 'vitest';
import { readClip } from '../../src/mp4/read/read-clip.js';
import { memorySource } from '../../src/mp4/write/file-source.js';
import { describeBoxTree } from '../../src/mp4/read/inspect.js';
import { MediaError } from '../../src/errors/media-error.js';
import {
  alawEntry,
  avc1Entry,
  buildFragmentedClip,
  buildProgressiveClip,
  mp4aEntry,
  type TestTrack,
} from './build-test-clip.js';
import { seededRandom as random } from '../../src/emulator/seeded-random.js';

const video: TestTrack = {
  trackId: 1,
  kind: 'video',
  timescale: 15360,
  entry: avc1Entry(),
  samples: Array.from({ length: 20 }, (_, i) => ({
    size: 30 + i,
    duration: 1024,
    cts: i % 2 === 0 ? 1024 : 0,
    sync: i % 10 === 0,
  })),
};
const aac: TestTrack = {
  trackId: 2,
  kind: 'audio',
  timescale: 16000,
  entry: mp4aEntry(),
  samples: Array.from({ length: 20 }, () => ({ size: 20, duration: 1024 })),
};
const alaw: TestTrack = {
  trackId: 3,
  kind: 'audio',
  timescale: 8000,
  entry: alawEntry(),
  constantSize: 1,
  samples: Array.from({ length: 3000 }, () => ({ size: 1, duration: 1 })),
};

const seeds = [
  buildProgressiveClip([video, aac], { moovFirst: true }),
  buildProgressiveClip([video, alaw], { moovFirst: false, chunkSamples: [5, 1000] }),
  buildFragmentedClip([video, aac], { samplesPerFragment: 7 }),
];

function mutate(bytes: Uint8Array, next: () => number): Uint8Array {
  const out = bytes.slice();
  const mode = next();
  if (mode < 0.2) return out.subarray(0, Math.floor(next() * out.length));
  const edits = 1 + Math.floor(next() * 6);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * out.length);
    const r = next();
    // Mostly small integer nudges and boundary values: they survive more checks than random bytes do.
    out[at] =
      r < 0.3
        ? Math.floor(next() * 256)
        : r < 0.5
          ? 0xff
          : r < 0.7
            ? 0
            : ((out[at] ?? 0) + (next() < 0.5 ? 1 : 255)) & 0xff;
  }
  return out;
}

describe('readClip on mutated input', () => {
  it('throws only MediaError, quickly, for 1500 mutated or truncated clips', async () => {
    const next = random(20260101);
    let parsed = 0;
    let rejected = 0;
    for (let i = 0; i < 1500; i++) {
      const input = mutate(seeds[i % seeds.length] ?? new Uint8Array(0), next);
      const started = performance.now();
      try {
        await readClip(memorySource(input));
        await describeBoxTree(memorySource(input));
        parsed++;
      } catch (error) {
        if (!(error instanceof MediaError)) throw new Error(`case ${i}: ${String(error)}`, { cause: error });
        expect(error.message).toMatch(/@ 0x[0-9a-f]+$/);
        rejected++;
      }
      expect(performance.now() - started).toBeLessThan(500);
    }
    expect(parsed).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(50);
  });
});
