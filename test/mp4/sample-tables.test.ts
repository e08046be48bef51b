import { describe, expect, it } from 'vitest';
import { openBox } from '../../src/mp4/read/byte-reader.js';
import { box } from '../../src/mp4/boxes/byte-writer.js';
import { buildChunkOffsets } from '../../src/mp4/boxes/stco.js';
import { buildCtts } from '../../src/mp4/boxes/ctts.js';
import { buildDinf } from '../../src/mp4/boxes/dinf.js';
import { buildHdlr } from '../../src/mp4/boxes/hdlr.js';
import { buildMdhd } from '../../src/mp4/boxes/mdhd.js';
import { buildVmhd } from '../../src/mp4/boxes/media-header.js';
import { buildStsc } from '../../src/mp4/boxes/stsc.js';
import { buildStsd } from '../../src/mp4/boxes/stsd.js';
import { buildStss } from '../../src/mp4/boxes/stss.js';
import { buildStsz } from '../../src/mp4/boxes/stsz.js';
import { buildStts } from '../../src/mp4/boxes/stts.js';
import { buildTkhd } from '../../src/mp4/boxes/tkhd.js';
import { readTrack } from '../../src/mp4/read/sample-tables.js';
import { avc1Entry } from './build-test-clip.js';

type Parts = {
  handler?: string;
  entries?: Uint8Array[];
  stts?: Uint8Array;
  ctts?: Uint8Array;
  stss?: Uint8Array;
  stsc?: Uint8Array;
  stsz?: Uint8Array;
  stco?: Uint8Array;
};

/** Four samples of 10, 20, 30, 40 bytes in two chunks at 100 and 200, unless a part is overridden. */
function trak(parts: Parts = {}): Uint8Array {
  const stbl = [
    buildStsd(parts.entries ?? [avc1Entry()]),
    parts.stts ?? buildStts({ sampleCounts: [4], sampleDeltas: [512] }),
    ...(parts.ctts ? [parts.ctts] : []),
    ...(parts.stss ? [parts.stss] : []),
    parts.stsc ?? buildStsc({ firstChunks: [1], samplesPerChunk: [2], sampleDescriptionIndices: [1] }),
    parts.stsz ?? buildStsz({ sampleSize: 0, sampleCount: 4, entrySizes: [10, 20, 30, 40] }),
    parts.stco ?? buildChunkOffsets([100, 200]),
  ];
  return box(
    'trak',
    buildTkhd({ trackId: 7, duration: 100, width: 320, height: 180 }),
    box(
      'mdia',
      buildMdhd({ timescale: 15360, duration: 2048, language: 'eng' }),
      buildHdlr({ handlerType: parts.handler ?? 'vide', name: 'V' }),
      box('minf', buildVmhd(), buildDinf(), box('stbl', ...stbl)),
    ),
  );
}

const read = (bytes: Uint8Array, sourceSize = 1000) => readTrack(openBox(bytes, { path: 'moov' }), { sourceSize });

describe('readTrack', () => {
  it('expands stsc/stco/stsz into per-sample offsets, sizes and durations', () => {
    const track = read(
      trak({ ctts: buildCtts({ sampleCounts: [1, 3], sampleOffsets: [1024, 0] }), stss: buildStss([1, 3]) }),
    );
    expect(track).toMatchObject({
      trackId: 7,
      kind: 'video',
      timescale: 15360,
      language: 'eng',
      firstDts: 0,
      width: 320,
      height: 180,
    });
    const s = track?.samples;
    expect(Array.from(s?.offsets ?? [])).toEqual([100, 110, 200, 230]);
    expect(Array.from(s?.sizes ?? [])).toEqual([10, 20, 30, 40]);
    expect(Array.from(s?.durations ?? [])).toEqual([512, 512, 512, 512]);
    expect(Array.from(s?.ctsOffsets ?? [])).toEqual([1024, 0, 0, 0]);
    expect(Array.from(s?.sync ?? [])).toEqual([1, 0, 1, 0]);
    expect(Array.from(s?.entryIndex ?? [])).toEqual([0, 0, 0, 0]);
  });

  it('maps stsc sample description indices to entry indices (an stsd switch)', () => {
    const track = read(
      trak({
        entries: [avc1Entry(), avc1Entry(480, 270)],
        stsc: buildStsc({ firstChunks: [1, 2], samplesPerChunk: [2, 2], sampleDescriptionIndices: [1, 2] }),
      }),
    );
    expect(Array.from(track?.samples.entryIndex ?? [])).toEqual([0, 0, 1, 1]);
    expect(track?.entries.map((e) => e.width)).toEqual([320, 480]);
  });

  it('reads an stbl holding only stsd (a fragmented init segment) as an empty table', () => {
    const bare = box(
      'trak',
      buildTkhd({ trackId: 3, duration: 0, width: 320, height: 180 }),
      box(
        'mdia',
        buildMdhd({ timescale: 90000, duration: 0, language: 'und' }),
        buildHdlr({ handlerType: 'vide', name: 'V' }),
        box('minf', buildVmhd(), buildDinf(), box('stbl', buildStsd([avc1Entry()]))),
      ),
    );
    expect(read(bare)?.samples.unitCount).toBe(0);
  });

  it('skips tracks that are neither video nor audio', () => {
    expect(read(trak({ handler: 'tmcd' }))).toBeNull();
  });

  it.each([
    [
      'stts and stsz disagree',
      { stts: buildStts({ sampleCounts: [3], sampleDeltas: [1] }) },
      /stts covers 3 samples, stsz has 4/,
    ],
    ['ctts and stsz disagree', { ctts: buildCtts({ sampleCounts: [5], sampleOffsets: [0] }) }, /ctts covers 5 samples/],
    ['an stss number is out of range', { stss: buildStss([5]) }, /stss sample number 5 outside 1..4/],
    [
      'stsc points at a missing stsd entry',
      { stsc: buildStsc({ firstChunks: [1], samplesPerChunk: [2], sampleDescriptionIndices: [2] }) },
      /sample description index 2 outside 1..1/,
    ],
    [
      'stsc does not start at chunk 1',
      { stsc: buildStsc({ firstChunks: [2], samplesPerChunk: [4], sampleDescriptionIndices: [1] }) },
      /stsc starts at chunk 2/,
    ],
    [
      'the chunks hold too few samples',
      { stsc: buildStsc({ firstChunks: [1], samplesPerChunk: [1], sampleDescriptionIndices: [1] }) },
      /place only 2 of 4 samples/,
    ],
  ])('rejects a table where %s', (_, parts, message) => {
    expect(() => read(trak(parts))).toThrow(
      expect.objectContaining({ code: 'E_MP4_PARSE', message: expect.stringMatching(message) }),
    );
  });

  it('names the box path and offset of a missing box', () => {
    const noStco = box('trak', buildTkhd({ trackId: 1, duration: 0, width: 0, height: 0 }));
    expect(() => read(noStco)).toThrow(/missing mdia in moov\/trak @ 0x8/);
  });

  it('rejects samples beyond the end of the source', () => {
    expect(() => read(trak(), 250)).toThrow(/sample 4 \(40 bytes @ 230\) lies outside the 250-byte input/);
  });

  it('refuses a constant-size table whose samples cannot fit in the source', () => {
    const parts = {
      stts: buildStts({ sampleCounts: [5_000_000], sampleDeltas: [1] }),
      stsz: buildStsz({ sampleSize: 100, sampleCount: 5_000_000, entrySizes: null }),
    };
    expect(() => read(trak(parts))).toThrow(/5000000 samples of 100 bytes exceed the 1000-byte input/);
  });
});
