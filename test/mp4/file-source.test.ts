import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memorySource, openFileSource } from '../../src/mp4/write/file-source.js';

describe('openFileSource', () => {
  it('reads exact ranges with positioned reads and rejects reads outside the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kvs-clip-fs-'));
    try {
      const path = join(dir, 'clip.mp4');
      await writeFile(
        path,
        Uint8Array.from({ length: 100 }, (_, i) => i),
      );
      const source = await openFileSource(path);
      expect(source.size).toBe(100);
      expect(Array.from(await source.read(95, 5))).toEqual([95, 96, 97, 98, 99]);
      await expect(source.read(96, 5)).rejects.toMatchObject({
        code: 'E_MP4_PARSE',
        message: 'read of 5 bytes @ 0x60 is outside the 100-byte input',
      });
      await source.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a missing input as a usage error naming the path', async () => {
    await expect(openFileSource('/nonexistent/kvs-clip/x.mp4')).rejects.toMatchObject({
      code: 'E_USAGE',
      message: 'cannot open input /nonexistent/kvs-clip/x.mp4: ENOENT',
    });
  });
});

describe('memorySource', () => {
  it('returns views of the buffer and rejects out-of-range reads', async () => {
    const source = memorySource(Uint8Array.of(1, 2, 3));
    expect(Array.from(await source.read(1, 2))).toEqual([2, 3]);
    await expect(source.read(2, 2)).rejects.toMatchObject({ code: 'E_MP4_PARSE' });
    await expect(source.read(-1, 1)).rejects.toMatchObject({ code: 'E_MP4_PARSE' });
  });
});
