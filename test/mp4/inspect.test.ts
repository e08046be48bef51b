import { describe, expect, it } from 'vitest';
import { describeBoxTree, inspectClip } from '../../src/mp4/read/inspect.js';
import { readClip } from '../../src/mp4/read/read-clip.js';
import { memorySource } from '../../src/mp4/write/file-source.js';
import { alawEntry, avc1Entry, buildFragmentedClip, buildProgressiveClip, type TestTrack } from './build-test-clip.js';

const video: TestTrack = {
  trackId: 1,
  kind: 'video',
  timescale: 15360,
  entry: avc1Entry(480, 270),
  width: 480,
  height: 270,
  samples: Array.from({ length: 30 }, (_, i) => ({ size: 100, duration: 1024, sync: i % 15 === 0 })),
};
const alaw: TestTrack = {
  trackId: 2,
  kind: 'audio',
  timescale: 8000,
  entry: alawEntry(),
  constantSize: 1,
  samples: Array.from({ length: 16000 }, () => ({ size: 1, duration: 1 })),
};

describe('inspectClip', () => {
  it('summarises tracks as plain data, counting A-law samples rather than chunks', async () => {
    const clip = await readClip(
      memorySource(buildProgressiveClip([video, alaw], { moovFirst: true, chunkSamples: [15, 1024] })),
    );
    const summary = inspectClip(clip);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
    expect(summary).toMatchObject({ layout: 'moov-first', movieTimescale: 1000, durationMs: 2000 });
    expect(summary.tracks[0]).toMatchObject({
      kind: 'video',
      codec: 'h264',
      fourcc: 'avc1',
      width: 480,
      height: 270,
      timescale: 15360,
      unitCount: 30,
      sampleCount: 30,
      syncSampleCount: 2,
      duration: 30720,
      durationMs: 2000,
      stsdEntryCount: 1,
    });
    expect(summary.tracks[1]).toMatchObject({
      kind: 'audio',
      codec: 'alaw',
      unitCount: 16,
      sampleCount: 16000,
      durationMs: 2000,
      channelCount: 1,
      sampleRate: 8000,
    });
  });
});

describe('describeBoxTree', () => {
  it('lists containers, sample entries and their codec boxes with paths and offsets', async () => {
    const lines = await describeBoxTree(memorySource(buildProgressiveClip([video], { moovFirst: false })));
    const paths = lines.map((l) => l.path);
    expect(paths.slice(0, 3)).toEqual(['ftyp', 'free', 'mdat']);
    expect(paths).toContain('moov/trak/mdia/minf/stbl/stsd/avc1/avcC');
    expect(paths).toContain('moov/trak/mdia/minf/stbl/stco');
    const mdat = lines.find((l) => l.type === 'mdat');
    expect(mdat).toMatchObject({ depth: 0, offset: 40, size: 3008 });
    expect(lines.find((l) => l.type === 'avcC')?.depth).toBe(7);
  });

  it('opens each moof of a fragmented file', async () => {
    const lines = await describeBoxTree(memorySource(buildFragmentedClip([video], { samplesPerFragment: 15 })));
    expect(lines.filter((l) => l.depth === 0).map((l) => l.type)).toEqual([
      'ftyp',
      'moov',
      'moof',
      'mdat',
      'moof',
      'mdat',
    ]);
    expect(lines.map((l) => l.path)).toContain('moof[1]/traf/trun');
  });
});
