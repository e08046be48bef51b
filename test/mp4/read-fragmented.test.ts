import { describe, expect, it } from 'vitest';
import { openBox } from '../../src/mp4/read/byte-reader.js';
import { buildMoof, parseMoof, type TrafInput } from '../../src/mp4/boxes/moof.js';
import { SAMPLE_FLAGS_NON_SYNC, SAMPLE_FLAGS_SYNC } from '../../src/mp4/boxes/trun.js';
import { applyFragments, type LoadedMoof } from '../../src/mp4/read/read-fragmented.js';
import { parseSampleEntry } from '../../src/mp4/read/sample-entry.js';
import type { Track } from '../../src/mp4/model.js';
import { avc1Entry } from './build-test-clip.js';

const emptyTrack: Track = {
  trackId: 1,
  kind: 'video',
  timescale: 1000,
  language: 'und',
  handlerName: 'V',
  width: 320,
  height: 180,
  edits: [],
  firstDts: 0,
  entries: [parseSampleEntry(openBox(avc1Entry()))],
  samples: {
    unitCount: 0,
    offsets: new Float64Array(0),
    sizes: new Uint32Array(0),
    durations: new Uint32Array(0),
    sampleCounts: null,
    ctsOffsets: null,
    sync: null,
    entryIndex: new Uint8Array(0),
    constantSampleSize: 0,
  },
};
const trex = [
  {
    trackId: 1,
    defaultSampleDescriptionIndex: 1,
    defaultSampleDuration: 40,
    defaultSampleSize: 100,
    defaultSampleFlags: SAMPLE_FLAGS_NON_SYNC,
  },
];

function moofAt(offset: number, seq: number, trafs: TrafInput[]): LoadedMoof {
  return { offset, moof: parseMoof(openBox(buildMoof(seq, trafs)).body), path: `moof[${seq}]` };
}

describe('applyFragments', () => {
  it('falls back from trun to tfhd to trex defaults and takes firstDts from tfdt', () => {
    const moof = moofAt(1000, 1, [
      {
        tfhd: { trackId: 1, defaultSampleSize: 50, durationIsEmpty: false, defaultBaseIsMoof: true },
        baseMediaDecodeTime: 90000,
        truns: [
          {
            sampleCount: 3,
            dataOffset: 200,
            firstSampleFlags: SAMPLE_FLAGS_SYNC,
            durations: null,
            sizes: null,
            flags: null,
            ctsOffsets: null,
          },
        ],
      },
    ]);
    const [track] = applyFragments([emptyTrack], trex, [moof], { sourceSize: 5000 });
    expect(track?.firstDts).toBe(90000);
    expect(Array.from(track?.samples.offsets ?? [])).toEqual([1200, 1250, 1300]);
    expect(Array.from(track?.samples.sizes ?? [])).toEqual([50, 50, 50]);
    expect(Array.from(track?.samples.durations ?? [])).toEqual([40, 40, 40]);
    expect(Array.from(track?.samples.sync ?? [])).toEqual([1, 0, 0]);
  });

  it('chains data offsets when the base is implicit and truns carry no data offset', () => {
    const trafs: TrafInput[] = [
      {
        tfhd: { trackId: 1, durationIsEmpty: false, defaultBaseIsMoof: false },
        truns: [
          { sampleCount: 1, dataOffset: 16, durations: null, sizes: [10], flags: null, ctsOffsets: null },
          { sampleCount: 2, durations: null, sizes: [20, 30], flags: null, ctsOffsets: null },
        ],
      },
    ];
    const [track] = applyFragments([emptyTrack], trex, [moofAt(500, 1, trafs)], { sourceSize: 5000 });
    expect(Array.from(track?.samples.offsets ?? [])).toEqual([516, 526, 546]);
    expect(track?.firstDts).toBe(0);
  });

  it('lets the last sample before a later tfdt absorb the gap, as an stts delta would', () => {
    const traf = (tfdt: number): TrafInput => ({
      tfhd: { trackId: 1, durationIsEmpty: false, defaultBaseIsMoof: true },
      baseMediaDecodeTime: tfdt,
      truns: [{ sampleCount: 2, dataOffset: 100, durations: [40, 40], sizes: null, flags: null, ctsOffsets: null }],
    });
    const [track] = applyFragments([emptyTrack], trex, [moofAt(0, 1, [traf(0)]), moofAt(1000, 2, [traf(200)])], {
      sourceSize: 5000,
    });
    expect(Array.from(track?.samples.durations ?? [])).toEqual([40, 160, 40, 40]);
    const backwards = () =>
      applyFragments([emptyTrack], trex, [moofAt(0, 1, [traf(0)]), moofAt(1000, 2, [traf(50)])], { sourceSize: 5000 });
    expect(backwards).toThrow(/tfdt 50 is before the previous fragment's end 80 in moof\[2\] @ 0x3e8/);
  });

  it('rejects fragments for unknown tracks, tracks without trex and samples outside the source', () => {
    const traf = (trackId: number): TrafInput => ({
      tfhd: { trackId, durationIsEmpty: false, defaultBaseIsMoof: true },
      truns: [{ sampleCount: 1, dataOffset: 8, durations: null, sizes: null, flags: null, ctsOffsets: null }],
    });
    expect(() => applyFragments([emptyTrack], trex, [moofAt(0, 1, [traf(9)])], { sourceSize: 5000 })).toThrow(
      /traf for unknown track 9/,
    );
    expect(
      applyFragments([emptyTrack], trex, [moofAt(0, 1, [traf(9)])], {
        sourceSize: 5000,
        skippedTrackIds: new Set([9]),
      })[0]?.samples.unitCount,
    ).toBe(0);
    expect(() => applyFragments([emptyTrack], [], [], { sourceSize: 5000 })).toThrow(/track 1 has no trex/);
    expect(() => applyFragments([emptyTrack], trex, [moofAt(0, 1, [traf(1)])], { sourceSize: 50 })).toThrow(
      /sample of 100 bytes @ 8 lies outside the 50-byte input/,
    );
  });
});
