import { describe, expect, it } from 'vitest';
import { ByteReader, openBox } from '../../src/mp4/read/byte-reader.js';
import { box, ByteWriter } from '../../src/mp4/boxes/byte-writer.js';
import { MediaError } from '../../src/errors/media-error.js';

function catchError(fn: () => unknown): MediaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MediaError) return error;
    throw error;
  }
  throw new Error('expected a MediaError');
}

describe('ByteReader', () => {
  it('throws E_MP4_PARSE with the absolute offset when a read runs past the end', () => {
    const r = new ByteReader(Uint8Array.of(1, 2, 3), { baseOffset: 0x100, path: 'moov/mvhd' });
    r.u16();
    const error = catchError(() => r.u32());
    expect(error.code).toBe('E_MP4_PARSE');
    expect(error.message).toBe('field needs 4 bytes, 1 left in moov/mvhd @ 0x102');
  });

  it('rejects 64-bit values above 2^53 unless a bigint is asked for', () => {
    const bytes = new ByteWriter()
      .u64(2n ** 60n)
      .u64(2n ** 60n)
      .finish();
    const r = new ByteReader(bytes);
    expect(() => r.u64()).toThrow(/exceeds 2\^53/);
    expect(r.u64Big()).toBe(2n ** 60n);
  });

  it('confines a child reader to its window and advances the parent past it', () => {
    const r = new ByteReader(Uint8Array.of(1, 2, 3, 4, 5), { path: 'a' });
    const child = r.child(2, 'b');
    expect([child.u8(), child.u8()]).toEqual([1, 2]);
    expect(() => child.u8()).toThrow(/in a\/b @ 0x2/);
    expect(r.u8()).toBe(3);
    expect(() => r.child(5)).toThrow(/needs 5 bytes, 2 left/);
  });

  it('splits boxes, indexing repeated types in their paths', () => {
    const moov = box('moov', box('mvhd'), box('trak', box('tkhd')), box('trak', box('tkhd')));
    const children = openBox(moov).body.boxes();
    expect(children.map((c) => c.body.path)).toEqual(['moov/mvhd', 'moov/trak[0]', 'moov/trak[1]']);
    expect(children[2]?.body.boxes()[0]?.body.path).toBe('moov/trak[1]/tkhd');
    expect(children.map((c) => c.offset)).toEqual([8, 16, 32]);
  });

  it('reads a largesize box and a size-0 box that runs to the end', () => {
    const large = new ByteWriter().u32(1).fourcc('free').u64(20).u32(7).u32(0).fourcc('skip').u8(9).finish();
    const boxes = new ByteReader(large).boxes();
    expect(boxes.map((b) => [b.type, b.size, b.headerSize])).toEqual([
      ['free', 20, 16],
      ['skip', 9, 8],
    ]);
    expect(boxes[0]?.body.u32()).toBe(7);
  });

  it('rejects a box smaller than its header and one that runs past its parent', () => {
    const tiny = new ByteWriter().u32(4).fourcc('free').finish();
    expect(() => new ByteReader(tiny, { baseOffset: 0x20, path: 'moov' }).boxes()).toThrow(
      /box 'free' size 4 is smaller than its 8-byte header in moov @ 0x20/,
    );
    const long = new ByteWriter().u32(100).fourcc('trak').finish();
    expect(() => new ByteReader(long).boxes()).toThrow(/box 'trak' size 100 runs past the end \(8 bytes left\) @ 0x0/);
  });

  it('prints unprintable box types as hex', () => {
    const junk = Uint8Array.of(0, 0, 0, 4, 0, 1, 2, 3);
    expect(() => new ByteReader(junk).boxes()).toThrow(/box '00010203'/);
  });
});
