import { describe, expect, it } from 'vitest';
import { openBox } from '../../../src/mp4/read/byte-reader.js';
import { buildFtyp, parseFtyp } from '../../../src/mp4/boxes/ftyp.js';

describe('ftyp', () => {
  it('round-trips brands', () => {
    const ftyp = { majorBrand: 'isom', minorVersion: 512, compatibleBrands: ['isom', 'iso2', 'avc1', 'mp41'] };
    const view = openBox(buildFtyp(ftyp));
    expect(view.type).toBe('ftyp');
    expect(parseFtyp(view.body)).toEqual(ftyp);
  });

  it('rejects a truncated ftyp with E_MP4_PARSE naming the offset', () => {
    const bytes = buildFtyp({ majorBrand: 'isom', minorVersion: 0, compatibleBrands: [] }).slice(0, 12);
    new DataView(bytes.buffer).setUint32(0, 12);
    expect(() => parseFtyp(openBox(bytes).body)).toThrow(/needs 4 bytes.*ftyp @ 0xc/);
  });
});
