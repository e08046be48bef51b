import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { readClip } from '../../src/mp4/read/read-clip.js';
import { memorySource, openFileSource } from '../../src/mp4/write/file-source.js';
import type { Clip, Track } from '../../src/mp4/model.js';
import {
  alawEntry,
  avc1Entry,
  buildFragmentedClip,
  buildProgressiveClip,
  mp4aEntry,
  type TestTrack,
} from './build-test-clip.js';

const video: TestTrack = {
  trackId: 2,
  kind: 'video',
  timescale: 15360,
  entry: avc1Entry(),
  edits: [{ segmentDuration: 2000, mediaTime: 2048, rate: 1 }],
  samples: Array.from({ length: 30 }, (_, i) => ({
    size: 200 + ((i * 37) % 90),
    duration: 1024,
    cts: i % 3 === 0 ? 2048 : i % 3 === 1 ? 3072 : 0,
    sync: i % 15 === 0,
  })),
};
const audio: TestTrack = {
  trackId: 1,
  kind: 'audio',
  timescale: 16000,
  entry: mp4aEntry(),
  samples: Array.from({ length: 31 }, (_, i) => ({ size: 40 + (i % 7), duration: 1024 })),
};

/** Everything except where the bytes are, which legitimately differs between layouts. */
function withoutOffsets(clip: Clip): unknown {
  return clip.tracks.map((t) => ({ ...t, edits: null, samples: { ...t.samples, offsets: null } }));
}

/** Each sample's first byte is its marker (index + 1), so offsets can be checked against the payload. */
function expectMarkers(bytes: Uint8Array, track: Track | undefined): void {
  expect(track).toBeDefined();
  const s = track?.samples;
  for (let i = 0; s !== undefined && i < s.unitCount; i++) expect(bytes[s.offsets[i] ?? -1]).toBe((i + 1) & 0xff);
}

describe('readClip', () => {
  it('reads the same sample tables from moov-first, moov-last and fragmented layouts', async () => {
    const first = buildProgressiveClip([audio, video], { moovFirst: true, chunkSamples: [8, 5] });
    const last = buildProgressiveClip([audio, video], { moovFirst: false });
    const fragmented = buildFragmentedClip([audio, video], { samplesPerFragment: 15 });
    const explicitBase = buildFragmentedClip([audio, video], { samplesPerFragment: 10, defaultBaseIsMoof: false });
    const clips = await Promise.all([first, last, fragmented, explicitBase].map((b) => readClip(memorySource(b))));
    expect(clips.map((c) => c.layout)).toEqual(['moov-first', 'moov-last', 'fragmented', 'fragmented']);
    for (const clip of clips.slice(1)) expect(withoutOffsets(clip)).toEqual(withoutOffsets(clips[0] as Clip));
    [first, last, fragmented, explicitBase].forEach((bytes, i) => {
      expectMarkers(bytes, clips[i]?.tracks[0]);
      expectMarkers(bytes, clips[i]?.tracks[1]);
    });
  });

  it('orders video before audio and reports the track fields', async () => {
    const clip = await readClip(memorySource(buildProgressiveClip([audio, video], { moovFirst: false })));
    const [v, a] = clip.tracks;
    expect(clip.movieTimescale).toBe(1000);
    expect(v).toMatchObject({
      trackId: 2,
      kind: 'video',
      timescale: 15360,
      width: 320,
      height: 180,
      language: 'und',
      handlerName: 'VideoHandler',
      firstDts: 0,
    });
    expect(v?.edits).toEqual([{ segmentDuration: 2000, mediaTime: 2048, rate: 1 }]);
    expect(Array.from(v?.samples.sync ?? [])).toEqual(video.samples.map((s) => (s.sync ? 1 : 0)));
    expect(Array.from(v?.samples.ctsOffsets ?? [])).toEqual(video.samples.map((s) => s.cts));
    expect(Array.from(v?.samples.sizes ?? [])).toEqual(video.samples.map((s) => s.size));
    expect(a).toMatchObject({
      trackId: 1,
      kind: 'audio',
      samples: { unitCount: 31, sync: null, ctsOffsets: null, sampleCounts: null },
    });
  });

  it('keeps A-law as one unit per chunk, split where the sample duration changes', async () => {
    const alaw: TestTrack = {
      trackId: 1,
      kind: 'audio',
      timescale: 8000,
      entry: alawEntry(),
      constantSize: 1,
      samples: [
        ...Array.from({ length: 2500 }, () => ({ size: 1, duration: 1 })),
        ...Array.from({ length: 100 }, () => ({ size: 1, duration: 2 })),
      ],
    };
    const bytes = buildProgressiveClip([alaw], { moovFirst: false, chunkSamples: [1024] });
    const [track] = (await readClip(memorySource(bytes))).tracks;
    const s = track?.samples;
    expect(s?.unitCount).toBe(4);
    expect(Array.from(s?.sampleCounts ?? [])).toEqual([1024, 1024, 452, 100]);
    expect(Array.from(s?.sizes ?? [])).toEqual([1024, 1024, 452, 100]);
    expect(Array.from(s?.durations ?? [])).toEqual([1, 1, 1, 2]);
    expect(s?.constantSampleSize).toBe(1);
    expect((s?.offsets[3] ?? 0) - (s?.offsets[2] ?? 0)).toBe(452);
  });

  it('coalesces fragmented A-law samples into contiguous units', async () => {
    const alaw: TestTrack = {
      trackId: 1,
      kind: 'audio',
      timescale: 8000,
      entry: alawEntry(),
      samples: Array.from({ length: 3000 }, () => ({ size: 1, duration: 1 })),
    };
    const [track] = (await readClip(memorySource(buildFragmentedClip([alaw], { samplesPerFragment: 1000 })))).tracks;
    expect(Array.from(track?.samples.sampleCounts ?? [])).toEqual([1000, 1000, 1000]);
    expect(track?.samples.constantSampleSize).toBe(1);
  });

  it('reads fixture clips the same in moov-last, faststart and fragmented layouts', async () => {
    const dir = resolve(import.meta.dirname, '../fixtures');
    const read = async (name: string): Promise<Clip> => {
      const source = await openFileSource(resolve(dir, name));
      try {
        return await readClip(source, { name });
      } finally {
        await source.close();
      }
    };
    const [last, first, fragmented] = await Promise.all(
      ['h264_aac-1.mp4', 'layout_faststart.mp4', 'layout_fragmented.mp4'].map(read),
    );
    expect([last?.layout, first?.layout, fragmented?.layout]).toEqual(['moov-last', 'moov-first', 'fragmented']);
    // A remux re-guesses the last sample's duration (docs/joiner.md, "Rewrite, not concatenation": never trust it), so
    // compare all but the last.
    const tables = (clip: Clip | undefined) =>
      clip?.tracks.map((t) => ({
        kind: t.kind,
        key: t.entries.map((e) => e.key),
        sizes: t.samples.sizes,
        durations: t.samples.durations.subarray(0, -1),
        sync: t.samples.sync,
        cts: t.samples.ctsOffsets,
      }));
    expect(tables(first)).toEqual(tables(last));
    // ffmpeg's fragmenter guesses each fragment's last duration from the next tfdt; sizes, sync and codec config must
    // agree.
    expect(tables(fragmented)?.map((t) => ({ ...t, durations: null }))).toEqual(
      tables(last)?.map((t) => ({ ...t, durations: null })),
    );
  });

  it('rejects a truncated clip with E_MP4_PARSE naming the input and the offset', async () => {
    const bytes = buildProgressiveClip([video], { moovFirst: false });
    await expect(
      readClip(memorySource(bytes.subarray(0, bytes.length - 10)), { name: 'part-3.mp4' }),
    ).rejects.toMatchObject({
      code: 'E_MP4_PARSE',
      message: expect.stringMatching(
        /^part-3\.mp4: box 'moov' size \d+ runs past the end of the \d+-byte input @ 0x[0-9a-f]+$/,
      ),
    });
  });

  it('rejects a file without moov, and two moov boxes (concatenated clips)', async () => {
    const bytes = buildProgressiveClip([video], { moovFirst: true });
    const ftypSize = 32;
    await expect(readClip(memorySource(bytes.subarray(0, ftypSize)))).rejects.toThrow(
      /no moov box \(top level: ftyp\)/,
    );
    const doubled = new Uint8Array([...bytes, ...bytes]);
    await expect(readClip(memorySource(doubled))).rejects.toThrow(/second moov box/);
  });

  it('rejects a sample table claiming 2^32 samples before allocating for them', async () => {
    const tiny: TestTrack = {
      trackId: 1,
      kind: 'video',
      timescale: 1000,
      entry: avc1Entry(),
      samples: [{ size: 1, duration: 1 }],
      constantSize: 1,
    };
    const bytes = buildProgressiveClip([tiny], { moovFirst: false });
    const view = new DataView(bytes.buffer);
    const stszAt = findType(bytes, 'stsz');
    const sttsAt = findType(bytes, 'stts');
    view.setUint32(stszAt + 16, 0xffffffff);
    view.setUint32(sttsAt + 16, 0xffffffff);
    const started = performance.now();
    await expect(readClip(memorySource(bytes))).rejects.toThrow(
      /4294967295 samples exceed the 16000000-sample limit in moov\/trak\/mdia\/minf\/stbl/,
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('rejects a sample lying outside the input', async () => {
    const bytes = buildProgressiveClip([audio], { moovFirst: true });
    const stcoAt = findType(bytes, 'stco');
    new DataView(bytes.buffer).setUint32(stcoAt + 16, bytes.length - 10);
    await expect(readClip(memorySource(bytes))).rejects.toThrow(
      /sample 1 \(40 bytes @ \d+\) lies outside the \d+-byte input in moov\/trak\/mdia\/minf\/stbl/,
    );
  });

  it('rejects an unknown codec with E_MEDIA_UNSUPPORTED', async () => {
    const odd = {
      ...audio,
      entry: (() => {
        const e = mp4aEntry().slice();
        e.set([0x4f, 0x70, 0x75, 0x73], 4);
        return e;
      })(),
    };
    await expect(
      readClip(memorySource(buildProgressiveClip([odd], { moovFirst: true })), { name: 'x.mp4' }),
    ).rejects.toMatchObject({
      code: 'E_MEDIA_UNSUPPORTED',
      message: expect.stringContaining("x.mp4: unsupported codec 'Opus'"),
    });
  });
});

function findType(bytes: Uint8Array, type: string): number {
  const codes = Array.from(type, (c) => c.charCodeAt(0));
  for (let i = 4; i < bytes.length - 4; i++) {
    if (codes.every((c, k) => bytes[i + k] === c)) return i - 4;
  }
  throw new Error(`no ${type}`);
}
