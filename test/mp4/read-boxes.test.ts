import { describe, expect, it } from 'vitest';
import { box, ByteWriter, concatBytes, mdatHeader } from '../../src/mp4/boxes/byte-writer.js';
import { memorySource } from '../../src/mp4/write/file-source.js';
import { loadBox, scanTopLevel } from '../../src/mp4/read/read-boxes.js';
import type { ByteSource } from '../../src/mp4/model.js';

describe('scanTopLevel', () => {
  it('lists top-level boxes without reading mdat payloads', async () => {
    const file = concatBytes([
      box('ftyp', new Uint8Array(8)),
      mdatHeader(1000),
      new Uint8Array(1000),
      box('moov', box('mvhd')),
    ]);
    const reads: [number, number][] = [];
    const source: ByteSource = {
      size: file.length,
      read: (offset, length) => {
        reads.push([offset, length]);
        return Promise.resolve(file.subarray(offset, offset + length));
      },
    };
    const boxes = await scanTopLevel(source);
    expect(boxes).toEqual([
      { type: 'ftyp', offset: 0, size: 16, headerSize: 8 },
      { type: 'mdat', offset: 16, size: 1008, headerSize: 8 },
      { type: 'moov', offset: 1024, size: 16, headerSize: 8 },
    ]);
    const reader = await loadBox(source, { type: 'moov', offset: 1024, size: 16, headerSize: 8 });
    expect(reader.boxes().map((b) => b.body.path)).toEqual(['moov/mvhd']);
  });

  it('handles a 64-bit largesize mdat and a final size-0 box', async () => {
    const file = concatBytes([
      new ByteWriter().u32(1).fourcc('mdat').u64(20).u32(0).finish(),
      new ByteWriter().u32(0).fourcc('free').u32(1).finish(),
    ]);
    expect(await scanTopLevel(memorySource(file))).toEqual([
      { type: 'mdat', offset: 0, size: 20, headerSize: 16 },
      { type: 'free', offset: 20, size: 12, headerSize: 8 },
    ]);
  });

  it('rejects a size below the header, a box past the end and a truncated header, with the offset', async () => {
    const ftyp = box('ftyp', new Uint8Array(8));
    await expect(
      scanTopLevel(memorySource(concatBytes([ftyp, new ByteWriter().u32(7).fourcc('moov').finish()]))),
    ).rejects.toThrow(/box 'moov' size 7 is smaller than its 8-byte header @ 0x10/);
    await expect(scanTopLevel(memorySource(concatBytes([ftyp, mdatHeader(100)])))).rejects.toThrow(
      /box 'mdat' size 108 runs past the end of the 24-byte input @ 0x10/,
    );
    await expect(scanTopLevel(memorySource(concatBytes([ftyp, Uint8Array.of(0, 0, 1)])))).rejects.toMatchObject({
      code: 'E_MP4_PARSE',
      message: 'top-level box header needs 8 bytes, 3 left @ 0x10',
    });
  });

  it('refuses to load a box larger than the cap', async () => {
    const file = box('moov', new Uint8Array(100));
    await expect(
      loadBox(memorySource(file), { type: 'moov', offset: 0, size: 108, headerSize: 8 }, { maxBytes: 50 }),
    ).rejects.toThrow(/box 'moov' is 100 bytes, more than the 50-byte limit @ 0x0/);
  });

  it('scans many tiny boxes with few reads', async () => {
    const file = concatBytes(Array.from({ length: 5000 }, () => box('free')));
    let reads = 0;
    const source: ByteSource = {
      size: file.length,
      read: (o, l) => {
        reads++;
        return Promise.resolve(file.subarray(o, o + l));
      },
    };
    expect((await scanTopLevel(source)).length).toBe(5000);
    expect(reads).toBeLessThan(5);
  });
});
