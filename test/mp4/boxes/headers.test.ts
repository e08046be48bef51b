import { describe, expect, it } from 'vitest';
import { openBox } from '../../../src/mp4/read/byte-reader.js';
import { buildMvhd, parseMvhd } from '../../../src/mp4/boxes/mvhd.js';
import { buildTkhd, parseTkhd } from '../../../src/mp4/boxes/tkhd.js';
import { buildMdhd, parseMdhd } from '../../../src/mp4/boxes/mdhd.js';
import { buildHdlr, parseHdlr } from '../../../src/mp4/boxes/hdlr.js';
import { buildSmhd, buildVmhd, parseSmhd, parseVmhd } from '../../../src/mp4/boxes/media-header.js';
import { buildDinf, parseDinf } from '../../../src/mp4/boxes/dinf.js';
import { IDENTITY_MATRIX } from '../../../src/mp4/boxes/time-fields.js';

const version = (bytes: Uint8Array): number => bytes[8] ?? -1;

describe('movie, track and media headers', () => {
  it('round-trips mvhd as version 0, and as version 1 when the duration needs 64 bits', () => {
    const mvhd = {
      timescale: 1000,
      duration: 6000,
      nextTrackId: 3,
      creationTime: 0,
      modificationTime: 0,
      rate: 0x10000,
      volume: 0x100,
      matrix: IDENTITY_MATRIX,
    };
    const small = buildMvhd(mvhd);
    expect(version(small)).toBe(0);
    expect(parseMvhd(openBox(small).body)).toEqual(mvhd);
    const big = { ...mvhd, duration: 2 ** 33 + 5 };
    const wide = buildMvhd(big);
    expect(version(wide)).toBe(1);
    expect(parseMvhd(openBox(wide).body)).toEqual(big);
  });

  it('round-trips tkhd with fractional sizes and a 64-bit duration', () => {
    const tkhd = {
      trackId: 1,
      duration: 2 ** 32,
      width: 320.5,
      height: 180,
      flags: 3,
      creationTime: 7,
      modificationTime: 8,
      layer: 0,
      alternateGroup: 1,
      volume: 0x100,
      matrix: IDENTITY_MATRIX,
    };
    const bytes = buildTkhd(tkhd);
    expect(version(bytes)).toBe(1);
    expect(parseTkhd(openBox(bytes).body)).toEqual(tkhd);
    expect(version(buildTkhd({ ...tkhd, duration: 5 }))).toBe(0);
  });

  it('round-trips mdhd including the packed language, switching to version 1 past 2^32', () => {
    const mdhd = { timescale: 90000, duration: 7_776_000_000, language: 'eng', creationTime: 0, modificationTime: 0 };
    const bytes = buildMdhd(mdhd);
    expect(version(bytes)).toBe(1);
    expect(parseMdhd(openBox(bytes).body)).toEqual(mdhd);
    expect(parseMdhd(openBox(buildMdhd({ timescale: 1000, duration: 10, language: 'und' })).body).language).toBe('und');
    const quickTime = buildMdhd({ timescale: 1000, duration: 10, language: 'eng' });
    new DataView(quickTime.buffer).setUint16(quickTime.length - 4, 0x7fff);
    expect(parseMdhd(openBox(quickTime).body).language).toBe('und');
  });

  it('round-trips hdlr and reads a QuickTime Pascal-string name', () => {
    const hdlr = { handlerType: 'vide', name: 'VideoHandler' };
    expect(parseHdlr(openBox(buildHdlr(hdlr)).body)).toEqual(hdlr);
    const name = new TextEncoder().encode('SoundHandler');
    const qt = new Uint8Array(8 + 24 + 1 + name.length);
    const view = new DataView(qt.buffer);
    view.setUint32(0, qt.length);
    qt.set(new TextEncoder().encode('hdlr'), 4);
    qt.set(new TextEncoder().encode('mhlrsoun'), 12);
    qt[32] = name.length;
    qt.set(name, 33);
    expect(parseHdlr(openBox(qt).body)).toEqual({ handlerType: 'soun', name: 'SoundHandler' });
  });

  it('round-trips vmhd, smhd and a self-contained dinf', () => {
    const vmhd = { graphicsMode: 0, opcolor: [0, 0, 0] };
    expect(parseVmhd(openBox(buildVmhd()).body)).toEqual(vmhd);
    expect(openBox(buildVmhd()).body.bytes(4)).toEqual(new Uint8Array([0, 0, 0, 1]));
    expect(parseSmhd(openBox(buildSmhd({ balance: -3 })).body)).toEqual({ balance: -3 });
    expect(parseDinf(openBox(buildDinf()).body)).toEqual({ entries: [{ type: 'url ', selfContained: true }] });
  });
});
