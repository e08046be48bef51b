import { describe, expect, it } from 'vitest';
import { EMPTY_TALLY, tallyImage, type ImageRecord } from '../../src/images/image-records.js';
import { imageSize } from '../../src/images/image-size.js';

const picture = (ms: number): ImageRecord => ({ timestampMs: ms, file: `${ms}.jpg`, sizeBytes: 10, size: undefined });
const gap = (ms: number, error: 'NO_MEDIA' | 'MEDIA_ERROR' = 'NO_MEDIA'): ImageRecord => ({ timestampMs: ms, error });

describe('tallyImage', () => {
  it('groups consecutive instants without a picture into one gap per reason', () => {
    const records = [picture(0), gap(1), gap(2), gap(3, 'MEDIA_ERROR'), picture(4), gap(5)];
    const tally = records.reduce(tallyImage, EMPTY_TALLY);
    expect(tally).toMatchObject({ written: 2, bytes: 20, noMedia: 3, mediaError: 1 });
    expect(tally.gaps).toEqual([
      { firstMs: 1, lastMs: 2, images: 2, error: 'NO_MEDIA' },
      { firstMs: 3, lastMs: 3, images: 1, error: 'MEDIA_ERROR' },
      { firstMs: 5, lastMs: 5, images: 1, error: 'NO_MEDIA' },
    ]);
  });
});

describe('imageSize', () => {
  it('reads the size of a PNG from its IHDR and of a JPEG from its SOF marker', () => {
    const png = Buffer.alloc(24);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
    png.writeUInt32BE(320, 16);
    png.writeUInt32BE(180, 20);
    expect(imageSize(png)).toEqual({ width: 320, height: 180 });
    // SOI, an APP0 segment of 16 bytes, then SOF0 with height 90 and width 160.
    const app0 = Buffer.concat([Buffer.from([0xff, 0xe0, 0x00, 0x10]), Buffer.alloc(14)]);
    const sof0 = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x5a, 0x00, 0xa0, 0x03]);
    expect(imageSize(Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof0, Buffer.alloc(8)]))).toEqual({
      width: 160,
      height: 90,
    });
  });

  it('returns undefined for bytes that are neither', () => {
    expect(imageSize(Buffer.from('GIF89a....................'))).toBeUndefined();
    expect(imageSize(Buffer.from([0xff, 0xd8, 0x00]))).toBeUndefined();
  });
});
