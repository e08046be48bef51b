import { describe, expect, it } from 'vitest';
import { box, ByteWriter, freeThenMdatHeader, fullBox, mdatHeader } from '../../src/mp4/boxes/byte-writer.js';
import { ByteReader } from '../../src/mp4/read/byte-reader.js';

describe('ByteWriter', () => {
  it('writes big-endian integers and grows past its initial capacity', () => {
    const w = new ByteWriter(1)
      .u8(1)
      .u16(0x0203)
      .u24(0x040506)
      .u32(0x0708090a)
      .i16(-2)
      .i32(-3)
      .u64(2 ** 40)
      .fourcc('mdat');
    const bytes = w.finish();
    const r = new ByteReader(bytes);
    expect([r.u8(), r.u16(), r.u24(), r.u32(), r.i16(), r.i32(), r.u64(), r.fourcc()]).toEqual([
      1,
      0x0203,
      0x040506,
      0x0708090a,
      -2,
      -3,
      2 ** 40,
      'mdat',
    ]);
    expect(r.remaining).toBe(0);
  });

  it('refuses values that do not fit the field', () => {
    expect(() => new ByteWriter().u32(2 ** 32)).toThrow(/u32 out of range/);
    expect(() => new ByteWriter().u8(-1)).toThrow(/u8 out of range/);
    expect(() => new ByteWriter().fourcc('abc')).toThrow(/fourcc/);
  });
});

describe('box helpers', () => {
  it('sizes boxes and full boxes', () => {
    expect(Array.from(box('free'))).toEqual([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65]);
    expect(Array.from(fullBox('mfhd', 1, 0x020000, Uint8Array.of(9)))).toEqual([
      0, 0, 0, 13, 0x6d, 0x66, 0x68, 0x64, 1, 2, 0, 0, 9,
    ]);
  });

  it('writes an 8-byte mdat header below 4 GiB and a 16-byte largesize header above', () => {
    const small = new ByteReader(mdatHeader(100));
    expect([small.u32(), small.fourcc(), small.remaining]).toEqual([108, 'mdat', 0]);
    const large = new ByteReader(mdatHeader(2 ** 32));
    expect([large.u32(), large.fourcc(), large.u64(), large.remaining]).toEqual([1, 'mdat', 2 ** 32 + 16, 0]);
  });

  it('reserves 16 bytes as free + mdat, or a largesize mdat when the payload needs it', () => {
    const small = new ByteReader(freeThenMdatHeader(1000));
    expect([small.u32(), small.fourcc(), small.u32(), small.fourcc()]).toEqual([8, 'free', 1008, 'mdat']);
    const edge = new ByteReader(freeThenMdatHeader(0xffffffff - 8));
    expect([edge.u32(), edge.fourcc(), edge.u32(), edge.fourcc()]).toEqual([8, 'free', 0xffffffff, 'mdat']);
    const large = new ByteReader(freeThenMdatHeader(0xffffffff - 7));
    expect([large.u32(), large.fourcc(), large.u64()]).toEqual([1, 'mdat', 0xffffffff - 7 + 16]);
  });
});
