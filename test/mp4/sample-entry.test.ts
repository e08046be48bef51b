import { describe, expect, it } from 'vitest';
import { openBox } from '../../src/mp4/read/byte-reader.js';
import { box } from '../../src/mp4/boxes/byte-writer.js';
import { parseSampleEntry } from '../../src/mp4/read/sample-entry.js';
import { buildAvcC, parseAvcC } from '../../src/mp4/boxes/avcc.js';
import { buildHvcC, parseHvcC } from '../../src/mp4/boxes/hvcc.js';
import { buildEsds, parseEsds } from '../../src/mp4/boxes/esds.js';
import { buildVisualSampleEntry, parseVisualSampleEntry } from '../../src/mp4/boxes/visual-sample-entry.js';
import { buildAudioSampleEntry, parseAudioSampleEntry } from '../../src/mp4/boxes/audio-sample-entry.js';
import { alawEntry, ASC, avc1Entry, mp4aEntry, PPS, SPS } from './build-test-clip.js';

const entry = (bytes: Uint8Array) => parseSampleEntry(openBox(bytes, { path: 'stsd' }));

const hvcC = {
  header: Uint8Array.of(1, 1, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 0x5d, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f),
  nalLengthSize: 4,
  arrays: [
    { completeness: true, nalType: 32, units: [Uint8Array.of(0x40, 0x01, 0x0c)] },
    { completeness: true, nalType: 33, units: [Uint8Array.of(0x42, 0x01, 0x01)] },
    { completeness: true, nalType: 34, units: [Uint8Array.of(0x44, 0x01, 0xc1)] },
    { completeness: false, nalType: 39, units: [Uint8Array.of(0x4e, 0x01, 0x05)] },
  ],
};

describe('codec configuration boxes', () => {
  it('round-trips avcC, hvcC and esds', () => {
    const avcC = {
      profile: 0x64,
      compatibility: 0,
      level: 0x1f,
      nalLengthSize: 2,
      sps: [SPS],
      pps: [PPS, PPS],
      extension: Uint8Array.of(0xfd, 0xf8, 0xf8, 0),
    };
    expect(parseAvcC(openBox(buildAvcC(avcC)).body)).toEqual(avcC);
    expect(parseHvcC(openBox(buildHvcC(hvcC)).body)).toEqual(hvcC);
    const esds = {
      esId: 1,
      objectTypeIndication: 0x40,
      streamType: 5,
      bufferSize: 0,
      maxBitrate: 1,
      avgBitrate: 2,
      decoderSpecificInfo: new Uint8Array(200).fill(7),
    };
    expect(parseEsds(openBox(buildEsds(esds)).body)).toEqual(esds);
  });
});

describe('sample entry boxes', () => {
  it('round-trips the fixed fields of visual and audio sample entries and keeps their children', () => {
    const avcC = buildAvcC({
      profile: 0x4d,
      compatibility: 0,
      level: 0x1e,
      nalLengthSize: 4,
      sps: [SPS],
      pps: [PPS],
      extension: new Uint8Array(0),
    });
    const visual = parseVisualSampleEntry(
      openBox(buildVisualSampleEntry('avc1', { width: 1920, height: 1080, compressorName: 'x264', children: [avcC] }))
        .body,
    );
    expect({ ...visual, children: visual.children.map((c) => c.raw) }).toEqual({
      dataReferenceIndex: 1,
      width: 1920,
      height: 1080,
      compressorName: 'x264',
      depth: 0x18,
      children: [avcC],
    });
    const esds = buildEsds({
      esId: 1,
      objectTypeIndication: 0x40,
      streamType: 5,
      bufferSize: 0,
      maxBitrate: 0,
      avgBitrate: 0,
      decoderSpecificInfo: ASC,
    });
    const audio = parseAudioSampleEntry(
      openBox(buildAudioSampleEntry('mp4a', { channelCount: 2, sampleSize: 16, sampleRate: 48000, children: [esds] }))
        .body,
    );
    expect({ ...audio, children: audio.children.map((c) => c.raw) }).toEqual({
      dataReferenceIndex: 1,
      version: 0,
      channelCount: 2,
      sampleSize: 16,
      sampleRate: 48000,
      children: [esds],
    });
  });
});

describe('parseSampleEntry', () => {
  it('reads an avc1 entry: dimensions, NAL length size and SPS/PPS in order', () => {
    const e = entry(avc1Entry(640, 360));
    expect(e).toMatchObject({
      fourcc: 'avc1',
      codec: 'h264',
      width: 640,
      height: 360,
      nalLengthSize: 4,
      parameterSets: [SPS, PPS],
    });
    expect(e.raw).toEqual(avc1Entry(640, 360));
  });

  it('gives equal keys to entries that differ only in btrt, and different keys for a new size or SPS', () => {
    const btrt = box('btrt', new Uint8Array(12).fill(3));
    const avcC = openBox(avc1Entry()).raw.subarray(8 + 78);
    const withBtrt = buildVisualSampleEntry('avc1', { width: 320, height: 180, children: [avcC, btrt] });
    expect(entry(withBtrt).key).toBe(entry(avc1Entry()).key);
    expect(entry(avc1Entry(480, 270)).key).not.toBe(entry(avc1Entry()).key);
    expect(entry(avc1Entry(320, 180, Uint8Array.of(0x67, 1))).key).not.toBe(entry(avc1Entry()).key);
  });

  it('reads an hvc1 entry with VPS, SPS and PPS (not SEI) as parameter sets', () => {
    const bytes = buildVisualSampleEntry('hvc1', { width: 320, height: 180, children: [buildHvcC(hvcC)] });
    const e = entry(bytes);
    expect(e).toMatchObject({ codec: 'h265', nalLengthSize: 4 });
    expect(e.parameterSets).toEqual([
      Uint8Array.of(0x40, 0x01, 0x0c),
      Uint8Array.of(0x42, 0x01, 0x01),
      Uint8Array.of(0x44, 0x01, 0xc1),
    ]);
  });

  it('reads mp4a channels and rate from the AudioSpecificConfig and ignores esds bitrates in the key', () => {
    const e = entry(mp4aEntry(24000));
    expect(e).toMatchObject({ fourcc: 'mp4a', codec: 'aac', channelCount: 1, sampleRate: 16000 });
    expect(e.key).toContain(`asc=${Array.from(ASC, (b) => b.toString(16).padStart(2, '0')).join('')}`);
    expect(entry(mp4aEntry(32000)).key).toBe(e.key);
  });

  it('reads a QuickTime alaw sound description (version 1)', () => {
    const v0 = entry(alawEntry());
    expect(v0).toMatchObject({ fourcc: 'alaw', codec: 'alaw', channelCount: 1, sampleRate: 8000 });
    const fields = Uint8Array.of(
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      2,
      0,
      16,
      0xff,
      0xfe,
      0,
      0,
      0x1f,
      0x40,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      1,
    );
    expect(entry(box('alaw', fields))).toMatchObject({ channelCount: 2, sampleRate: 8000 });
  });

  it('rejects an unknown codec with E_MEDIA_UNSUPPORTED naming the fourcc', () => {
    const bytes = buildAudioSampleEntry('Opus', { channelCount: 2, sampleSize: 16, sampleRate: 48000, children: [] });
    expect(() => entry(bytes)).toThrow(
      expect.objectContaining({ code: 'E_MEDIA_UNSUPPORTED', message: expect.stringContaining("'Opus'") }),
    );
  });

  it('rejects mp4a carrying something other than AAC (e.g. MP3)', () => {
    const esds = buildEsds({
      esId: 1,
      objectTypeIndication: 0x6b,
      streamType: 5,
      bufferSize: 0,
      maxBitrate: 0,
      avgBitrate: 0,
      decoderSpecificInfo: new Uint8Array(0),
    });
    const bytes = buildAudioSampleEntry('mp4a', {
      channelCount: 2,
      sampleSize: 16,
      sampleRate: 44100,
      children: [esds],
    });
    expect(() => entry(bytes)).toThrow(
      expect.objectContaining({
        code: 'E_MEDIA_UNSUPPORTED',
        message: expect.stringContaining('objectTypeIndication 0x6b'),
      }),
    );
  });

  it('rejects a video entry without its configuration box', () => {
    const bytes = buildVisualSampleEntry('avc1', { width: 1, height: 1, children: [] });
    expect(() => entry(bytes)).toThrow(
      expect.objectContaining({ code: 'E_MP4_PARSE', message: expect.stringContaining('no avcC') }),
    );
  });
});
