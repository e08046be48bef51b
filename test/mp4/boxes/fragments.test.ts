import { describe, expect, it } from 'vitest';
import { openBox } from '../../../src/mp4/read/byte-reader.js';
import { buildMvex, parseMvex } from '../../../src/mp4/boxes/mvex.js';
import { buildMoof, parseMoof } from '../../../src/mp4/boxes/moof.js';
import { buildTfdt, buildTfhd, parseTfdt, parseTfhd } from '../../../src/mp4/boxes/fragment-headers.js';
import { buildTrun, parseTrun, SAMPLE_FLAGS_NON_SYNC, SAMPLE_FLAGS_SYNC } from '../../../src/mp4/boxes/trun.js';

describe('fragment boxes', () => {
  it('round-trips mvex with mehd and trex', () => {
    const mvex = {
      fragmentDuration: 2 ** 33,
      trex: [
        {
          trackId: 1,
          defaultSampleDescriptionIndex: 1,
          defaultSampleDuration: 0,
          defaultSampleSize: 0,
          defaultSampleFlags: 0,
        },
      ],
    };
    expect(parseMvex(openBox(buildMvex(mvex)).body)).toEqual(mvex);
    expect(parseMvex(openBox(buildMvex({ trex: mvex.trex })).body)).toEqual({ trex: mvex.trex });
  });

  it('derives tfhd flags from the fields present', () => {
    const tfhd = {
      trackId: 2,
      defaultSampleDuration: 1024,
      defaultSampleFlags: SAMPLE_FLAGS_SYNC,
      durationIsEmpty: false,
      defaultBaseIsMoof: true,
    };
    const bytes = buildTfhd(tfhd);
    expect(Array.from(bytes.subarray(9, 12))).toEqual([0x02, 0x00, 0x28]);
    expect(parseTfhd(openBox(bytes).body)).toEqual(tfhd);
    const explicit = {
      trackId: 1,
      baseDataOffset: 2 ** 33,
      sampleDescriptionIndex: 2,
      defaultSampleSize: 9,
      durationIsEmpty: true,
      defaultBaseIsMoof: false,
    };
    expect(parseTfhd(openBox(buildTfhd(explicit)).body)).toEqual(explicit);
  });

  it('writes tfdt version 1 only past 32 bits', () => {
    expect(buildTfdt(90000)[8]).toBe(0);
    expect(parseTfdt(openBox(buildTfdt(2 ** 40)).body)).toBe(2 ** 40);
    expect(buildTfdt(2 ** 40)[8]).toBe(1);
  });

  it('round-trips trun, using version 1 for negative composition offsets', () => {
    const trun = {
      sampleCount: 3,
      dataOffset: 120,
      firstSampleFlags: SAMPLE_FLAGS_SYNC,
      durations: Uint32Array.of(512, 512, 512),
      sizes: Uint32Array.of(1000, 30, 40),
      flags: null,
      ctsOffsets: Int32Array.of(0, -512, 1024),
    };
    const bytes = buildTrun(trun);
    expect(bytes[8]).toBe(1);
    expect(parseTrun(openBox(bytes).body)).toEqual(trun);
    const plain = {
      sampleCount: 2,
      durations: null,
      sizes: Uint32Array.of(5, 6),
      flags: Uint32Array.of(SAMPLE_FLAGS_SYNC, SAMPLE_FLAGS_NON_SYNC),
      ctsOffsets: null,
    };
    expect(buildTrun(plain)[8]).toBe(0);
    expect(parseTrun(openBox(buildTrun(plain)).body)).toEqual(plain);
  });

  it('keeps the moof size independent of the data offset value', () => {
    const traf = (dataOffset: number) => ({
      tfhd: { trackId: 1, durationIsEmpty: false, defaultBaseIsMoof: true },
      baseMediaDecodeTime: 0,
      truns: [{ sampleCount: 1, dataOffset, durations: [1], sizes: [1], flags: null, ctsOffsets: null }],
    });
    const first = buildMoof(1, [traf(0)]);
    const second = buildMoof(1, [traf(first.length + 8)]);
    expect(second.length).toBe(first.length);
    const moof = parseMoof(openBox(second).body);
    expect(moof.sequenceNumber).toBe(1);
    expect(moof.trafs[0]?.truns[0]?.dataOffset).toBe(first.length + 8);
    expect(moof.trafs[0]?.baseMediaDecodeTime).toBe(0);
  });

  it('rejects a trun whose sample count cannot fit in the box', () => {
    const bytes = buildTrun({ sampleCount: 1, durations: [1], sizes: null, flags: null, ctsOffsets: null });
    new DataView(bytes.buffer).setUint32(12, 0xffffffff);
    expect(() => parseTrun(openBox(bytes).body)).toThrow(/trun sample count 4294967295/);
  });
});
