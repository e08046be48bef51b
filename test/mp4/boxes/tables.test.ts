import { describe, expect, it } from 'vitest';
import { openBox } from '../../../src/mp4/read/byte-reader.js';
import { buildStts, parseStts } from '../../../src/mp4/boxes/stts.js';
import { buildCtts, parseCtts } from '../../../src/mp4/boxes/ctts.js';
import { buildStss, parseStss } from '../../../src/mp4/boxes/stss.js';
import { buildStsz, parseStsz } from '../../../src/mp4/boxes/stsz.js';
import { buildStsc, parseStsc } from '../../../src/mp4/boxes/stsc.js';
import { buildChunkOffsets, parseCo64, parseStco } from '../../../src/mp4/boxes/stco.js';
import { buildEdts, buildElst, parseEdts, parseElst } from '../../../src/mp4/boxes/elst.js';
import { buildStsd, parseStsd } from '../../../src/mp4/boxes/stsd.js';
import { box } from '../../../src/mp4/boxes/byte-writer.js';

describe('sample table boxes', () => {
  it('round-trips stts runs', () => {
    const stts = { sampleCounts: Uint32Array.of(89, 1), sampleDeltas: Uint32Array.of(1000, 512) };
    expect(parseStts(openBox(buildStts(stts)).body)).toEqual(stts);
  });

  it('writes ctts version 0 for non-negative offsets and version 1 when one is negative', () => {
    const positive = { sampleCounts: Uint32Array.of(1, 2), sampleOffsets: Int32Array.of(2048, 0) };
    const v0 = buildCtts(positive);
    expect(v0[8]).toBe(0);
    expect(parseCtts(openBox(v0).body)).toEqual(positive);
    const negative = { sampleCounts: Uint32Array.of(3), sampleOffsets: Int32Array.of(-512) };
    const v1 = buildCtts(negative);
    expect(v1[8]).toBe(1);
    expect(parseCtts(openBox(v1).body)).toEqual(negative);
  });

  it('round-trips stss sample numbers', () => {
    const sync = Uint32Array.of(1, 16, 31);
    expect(parseStss(openBox(buildStss(sync)).body)).toEqual(sync);
  });

  it('keeps a constant stsz constant and round-trips per-sample sizes', () => {
    const constant = { sampleSize: 1, sampleCount: 28_800_000, entrySizes: null };
    const bytes = buildStsz(constant);
    expect(bytes.length).toBe(20);
    expect(parseStsz(openBox(bytes).body)).toEqual(constant);
    const sized = { sampleSize: 0, sampleCount: 3, entrySizes: Uint32Array.of(500, 20, 30) };
    expect(parseStsz(openBox(buildStsz(sized)).body)).toEqual(sized);
  });

  it('round-trips stsc runs with sample description indices', () => {
    const stsc = {
      firstChunks: Uint32Array.of(1, 5),
      samplesPerChunk: Uint32Array.of(15, 10),
      sampleDescriptionIndices: Uint32Array.of(1, 2),
    };
    expect(parseStsc(openBox(buildStsc(stsc)).body)).toEqual(stsc);
  });

  it('writes stco below 4 GiB and co64 when an offset needs 64 bits', () => {
    const small = Float64Array.of(48, 4096, 0xffffffff);
    const stco = openBox(buildChunkOffsets(small));
    expect(stco.type).toBe('stco');
    expect(parseStco(stco.body)).toEqual(small);
    const large = Float64Array.of(48, 4_828_115_000);
    const co64 = openBox(buildChunkOffsets(large));
    expect(co64.type).toBe('co64');
    expect(parseCo64(co64.body)).toEqual(large);
  });

  it('round-trips edit lists in version 0 and version 1, including empty edits and rates', () => {
    const entries = [
      { segmentDuration: 133, mediaTime: -1, rate: 1 },
      { segmentDuration: 6000, mediaTime: 2048, rate: 1 },
    ];
    const v0 = buildElst(entries);
    expect(v0[8]).toBe(0);
    expect(parseElst(openBox(v0).body)).toEqual(entries);
    const wide = [{ segmentDuration: 2 ** 40, mediaTime: 2 ** 35, rate: 1.5 }];
    const v1 = buildElst(wide);
    expect(v1[8]).toBe(1);
    expect(parseElst(openBox(v1).body)).toEqual(wide);
    expect(parseEdts(openBox(buildEdts(entries)).body)).toEqual(entries);
  });

  it('round-trips stsd from raw entry boxes', () => {
    const a = box('avc1', new Uint8Array([1, 2, 3]));
    const b = box('avc1', new Uint8Array([4, 5]));
    const entries = parseStsd(openBox(buildStsd([a, b])).body);
    expect(entries.map((e) => [e.type, e.size])).toEqual([
      ['avc1', 11],
      ['avc1', 10],
    ]);
    expect(entries.map((e) => e.body.rest())).toEqual([Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5)]);
  });

  it('rejects a 2^32-sample stsz before allocating, naming the box path and offset', () => {
    const bytes = buildStsz({ sampleSize: 0, sampleCount: 2, entrySizes: Uint32Array.of(1, 2) });
    new DataView(bytes.buffer).setUint32(16, 0xffffffff);
    const view = openBox(bytes, { path: 'moov/trak[1]/mdia/minf/stbl', baseOffset: 0x1f00 });
    expect(() => parseStsz(view.body)).toThrow(
      /stsz sample count 4294967295 .* in moov\/trak\[1\]\/mdia\/minf\/stbl\/stsz @ 0x1f10/,
    );
  });

  it('rejects absurd entry counts in run tables', () => {
    const bytes = buildStts({ sampleCounts: [1], sampleDeltas: [1] });
    new DataView(bytes.buffer).setUint32(12, 0x20000000);
    expect(() => parseStts(openBox(bytes).body)).toThrow(expect.objectContaining({ code: 'E_MP4_PARSE' }));
  });
});
