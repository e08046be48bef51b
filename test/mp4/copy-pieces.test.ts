import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyPieces, CopyWindows } from '../../src/mp4/write/copy-pieces.js';
import { memorySource, openFileSource } from '../../src/mp4/write/file-source.js';
import type { CopyPiece } from '../../src/mp4/plan/plan-join.js';

const MIB = 1024 * 1024;

/** PIECES once long ranges are cut at the 1 MiB copy block: coalescing must write fewer blocks than this. */
const SPLIT_PIECES = 27;

/** A seeded byte pattern, so any misplaced byte shows. */
function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = 12345;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** What the pieces should produce: each range or inline bytes, concatenated in order. */
function expected(input: Uint8Array, pieces: readonly CopyPiece[]): Uint8Array {
  return Buffer.concat(
    pieces.map((p) => (p.kind === 'bytes' ? p.bytes : input.subarray(p.offset, p.offset + p.length))),
  );
}

type FileSource = Awaited<ReturnType<typeof openFileSource>>;

/** Runs `use` with a file source over `input`, written to a temporary folder; closes and removes both afterwards. */
async function withFileSource(input: Uint8Array, use: (source: FileSource) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kvs-clip-copy-'));
  try {
    const path = join(dir, 'clip.mp4');
    await writeFile(path, input);
    const source = await openFileSource(path);
    try {
      await use(source);
    } finally {
      await source.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Re-chunked joins interleave short, out-of-order ranges; a long range crosses several blocks; inline bytes sit between.
const PIECES: CopyPiece[] = [
  { kind: 'source', offset: 468_374, length: 3_059 },
  { kind: 'source', offset: 33_774, length: 434_600 },
  { kind: 'bytes', bytes: Uint8Array.of(1, 2, 3) },
  { kind: 'source', offset: 471_433, length: 17 * MIB + 5 },
  { kind: 'source', offset: 20 * MIB, length: 700_000 },
  { kind: 'source', offset: 19 * MIB, length: 700_000 },
  { kind: 'source', offset: 0, length: 10 },
  { kind: 'source', offset: 25 * MIB, length: 3 * MIB },
];

describe('copyPieces', () => {
  it('writes exactly the pieces in order from a file, recycling buffers only for a sink that releases them', async () => {
    const input = pattern(30 * MIB);
    await withFileSource(input, async (source) => {
      for (const sinkReleasesBytes of [true, false]) {
        const chunks: Uint8Array[] = [];
        // A releasing sink must copy before resolving; a keeping sink may hold the very buffer it was given.
        await copyPieces(
          source,
          PIECES,
          (bytes) => Promise.resolve(void chunks.push(sinkReleasesBytes ? Uint8Array.from(bytes) : bytes)),
          { sinkReleasesBytes },
        );
        expect(Buffer.compare(Buffer.concat(chunks), expected(input, PIECES))).toBe(0);
        expect(chunks.length).toBeLessThan(SPLIT_PIECES);
      }
    });
  });

  it('hands a gathering sink each block as views in output order, from a file and from memory', async () => {
    const input = pattern(30 * MIB);
    await withFileSource(input, async (file) => {
      for (const source of [file, memorySource(input)]) {
        const copies: Uint8Array[] = [];
        let calls = 0;
        const unused = (): Promise<void> => Promise.reject(new Error('write must not be called with writeGathered'));
        await copyPieces(source, PIECES, unused, {
          // The views are only valid until the promise resolves (windows are recycled): copy them now.
          writeGathered: (chunks) => {
            calls++;
            copies.push(...chunks.map((c) => Uint8Array.from(c)));
            return Promise.resolve();
          },
        });
        expect(Buffer.compare(Buffer.concat(copies), expected(input, PIECES))).toBe(0);
        expect(calls).toBeGreaterThan(1);
        expect(calls).toBeLessThan(SPLIT_PIECES);
      }
      await expect(
        copyPieces(file, [{ kind: 'source', offset: 30 * MIB - 4, length: 8 }], () => Promise.resolve(), {
          writeGathered: () => Promise.resolve(),
        }),
      ).rejects.toMatchObject({ code: 'E_MP4_PARSE' });
    });
  });

  it('reads every copy of a writer through the same two windows when it passes them, with the same bytes', async () => {
    const input = pattern(30 * MIB);
    await withFileSource(input, async (source) => {
      const windows = new CopyWindows();
      const buffers = new Set<ArrayBufferLike>();
      for (const pieces of [PIECES, PIECES.slice(3), PIECES.slice(0, 2)]) {
        const out: Uint8Array[] = [];
        await copyPieces(source, pieces, () => Promise.reject(new Error('unused')), {
          windows,
          writeGathered: (chunks) => {
            for (const chunk of chunks) {
              buffers.add(chunk.buffer);
              out.push(Uint8Array.from(chunk));
            }
            return Promise.resolve();
          },
        });
        expect(Buffer.concat(out).equals(Buffer.from(expected(input, pieces)))).toBe(true);
      }
      // Two windows (grown at most once each, to the largest block) and the inline bytes' own buffer.
      expect(buffers.size).toBeLessThanOrEqual(5);
    });
  });

  it('copies from a memory source and rejects a piece outside it as E_MP4_PARSE', async () => {
    const input = pattern(30 * MIB);
    const chunks: Uint8Array[] = [];
    await copyPieces(memorySource(input), PIECES, (bytes) => Promise.resolve(void chunks.push(bytes)));
    expect(Buffer.compare(Buffer.concat(chunks), expected(input, PIECES))).toBe(0);
    const outside: CopyPiece[] = [{ kind: 'source', offset: 30 * MIB - 4, length: 8 }];
    await expect(copyPieces(memorySource(input), outside, () => Promise.resolve())).rejects.toMatchObject({
      code: 'E_MP4_PARSE',
    });
  });
});
