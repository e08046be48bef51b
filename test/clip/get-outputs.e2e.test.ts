import { createWriteStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncompleteError } from '../../src/errors/incomplete-error.js';
import { itMedia, packetHashes } from '../support/ffmpeg.js';
import { plannedFragments, startHarness, type Harness } from './get-harness.js';

const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

let h: Harness;
let END: number;

beforeAll(async () => {
  const now = Math.floor(Date.now() / 1000) * 1000;
  END = now - MIN;
  h = await startHarness(
    { streams: [{ name: 'cam', source: { preset: 'h264_aac' }, fragmentSeconds: 1, spanMs: 20 * MIN, endMs: END }] },
    now,
  );
});

afterAll(async () => {
  await h.close();
});

const window = (): { since: string; until: string } => ({ since: iso(END - 8 * MIN), until: iso(END) });

/** Top-level box types of an MP4 file, read from the box headers alone. */
async function topLevelBoxes(path: string): Promise<string[]> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const types: string[] = [];
    const header = Buffer.alloc(16);
    for (let at = 0; at < size;) {
      await handle.read(header, 0, 16, at);
      const small = header.readUInt32BE(0);
      types.push(header.toString('latin1', 4, 8));
      const boxSize = small === 1 ? Number(header.readBigUInt64BE(8)) : small === 0 ? size - at : small;
      if (boxSize < 8) throw new Error(`bad box size ${boxSize} at ${at}`);
      at += boxSize;
    }
    return types;
  } finally {
    await handle.close();
  }
}

describe('get outputs', () => {
  itMedia('--split keeps one numbered file per GetClip call and nothing else, packets identical per part', async () => {
    const { result, error } = await h.run({
      stream: 'cam',
      time: window(),
      output: 'split/cam_{index:03}.mp4',
      mkdir: true,
      split: true,
    });
    expect(error).toBeUndefined();
    if (result === undefined) return;
    expect(result.output).toBeNull();
    expect(result.outputs).toHaveLength(result.parts.length);
    expect(result.outputs[0]).toBe(`${h.dir}/split/cam_001.mp4`);
    const files = (await readdir(`${h.dir}/split`)).sort();
    expect(files).toEqual(result.outputs.map((p) => p.slice(`${h.dir}/split/`.length)).sort());
    // Each part carries the number in its name (0-based inside, 1-based in {index} and --json).
    expect(result.parts.map((p) => p.part.index + 1)).toEqual(result.outputs.map((_, i) => i + 1));
    const second = result.parts[1];
    if (second === undefined) return;
    const reference = await h.reference('cam', second.part.fragmentNumbers, 'split-ref.mp4');
    expect(await packetHashes(result.outputs[1] ?? '', 'v')).toEqual(await packetHashes(reference, 'v'));
  });

  itMedia('-o - streams a fragmented MP4 whose packets equal the planned fragments', async () => {
    const path = `${h.dir}/stdout.mp4`;
    const sink = createWriteStream(path);
    const { result, error } = await h.run({ stream: 'cam', time: window(), output: '-' }, { stdout: sink });
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(error).toBeUndefined();
    if (result === undefined) return;
    expect(result.output).toBe('-');
    const reference = await h.reference('cam', plannedFragments(result), 'stdout-ref.mp4');
    expect(await packetHashes(path, 'v')).toEqual(await packetHashes(reference, 'v'));
    expect(await packetHashes(path, 'a')).toEqual(await packetHashes(reference, 'a'));
  });

  itMedia(
    'a joined faststart get writes moov into room reserved in front (no second copy), packets identical',
    async () => {
      const { result, error } = await h.run({ stream: 'cam', time: window(), output: 'reserved.mp4' });
      expect(error).toBeUndefined();
      if (result === undefined) return;
      expect(result.parts.length).toBeGreaterThan(1);
      // ftyp, moov, the unused rest of the reservation as free, the 16-byte mdat header slot (free + mdat).
      expect(await topLevelBoxes(`${h.dir}/reserved.mp4`)).toEqual(['ftyp', 'moov', 'free', 'free', 'mdat']);
      expect((await readdir(h.dir)).filter((name) => name.startsWith('reserved.mp4.'))).toEqual([]);
      const reference = await h.reference('cam', plannedFragments(result), 'reserved-ref.mp4');
      expect(await packetHashes(`${h.dir}/reserved.mp4`, 'v')).toEqual(await packetHashes(reference, 'v'));
      expect(await packetHashes(`${h.dir}/reserved.mp4`, 'a')).toEqual(await packetHashes(reference, 'a'));
    },
  );

  it('runs --exec with the output path after the rename, and a failing hook is exit 8 with the file in place', async () => {
    const ok = await h.run({
      stream: 'cam',
      time: { since: iso(END - 2 * MIN), until: iso(END - MIN) },
      output: 'hooked.mp4',
      exec: 'cp {} {}.copy',
    });
    expect(ok.error).toBeUndefined();
    expect((await stat(`${h.dir}/hooked.mp4.copy`)).size).toBe((await stat(`${h.dir}/hooked.mp4`)).size);
    const bad = await h.run({
      stream: 'cam',
      time: { since: iso(END - 3 * MIN), until: iso(END - 2 * MIN) },
      output: 'hooked2.mp4',
      exec: 'exit 3',
    });
    expect(bad.error).toBeInstanceOf(IncompleteError);
    expect(bad.error).toMatchObject({ code: 'E_HOOK', exitCode: 8 });
    expect((await stat(`${h.dir}/hooked2.mp4`)).size).toBeGreaterThan(0);
  });

  it('names the output from the default template in the working directory', async () => {
    const { result, error } = await h.run({
      stream: 'cam',
      time: { since: iso(END - 2 * MIN), until: iso(END - MIN) },
    });
    expect(error).toBeUndefined();
    expect(result?.output).toMatch(new RegExp(`^${h.dir}/cam_\\d{8}T\\d{6}Z_\\d{8}T\\d{6}Z\\.mp4$`));
  });
});
