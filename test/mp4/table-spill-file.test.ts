import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/mp4/boxes/byte-writer.js';
import { buildStbl } from '../../src/mp4/boxes/build-stbl.js';
import { chunkBytes, writeChunks } from '../../src/mp4/plan/table-spill.js';
import { TablesBuilder } from '../../src/mp4/plan/tables-builder.js';
import { TableSpillFile } from '../../src/mp4/write/table-spill-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratchPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kvs-spill-'));
  dirs.push(dir);
  return join(dir, 'out.mp4.kvstables');
}

/** A video track of `n` samples: sizes, 66/67 ms durations and B-frame offsets that change every sample. */
function fill(builder: TablesBuilder, n: number): void {
  builder.addChunk(0, 0);
  for (let i = 0; i < n; i++) {
    if (i % 5000 === 0 && i > 0) builder.addChunk(i * 1000, 0);
    builder.add({
      size: (i * 2654435761) >>> 8,
      duration: 66 + (i % 2),
      count: 1,
      cts: (i % 3) * 67,
      sync: i % 30 === 0,
    });
  }
}

function stblOf(builder: TablesBuilder): Uint8Array {
  const track = {
    trackId: 1,
    kind: 'video',
    timescale: 1000,
    language: 'und',
    handlerName: 'v',
    width: 2,
    height: 2,
    entries: [{ raw: new Uint8Array(16) }],
    constantSampleSize: 0,
    compact: builder.tables({ constantSampleSize: 0, withStss: true }),
    edits: [],
    mediaDuration: 0,
    movieDuration: 0,
  };
  return concatBytes(buildStbl(track as never, { payloadOffset: 48, co64ThresholdBytes: 0xffffffff }).map(chunkBytes));
}

describe('TableSpillFile', () => {
  it('gives the same stbl bytes with full table blocks spilled to the scratch file as with all of them in memory', () => {
    const path = scratchPath();
    const file = new TableSpillFile(path);
    const spilled = new TablesBuilder(file.spill);
    const kept = new TablesBuilder();
    fill(spilled, 200_000);
    fill(kept, 200_000);
    const blocks = spilled.tables({ constantSampleSize: 0, withStss: true }).stszEntries ?? [];
    expect(blocks.filter((b) => !(b instanceof Uint8Array)).length).toBe(3);
    // 200 000 stsz entries (4 B) and as many stts and ctts runs (8 B each) went out but for the blocks being filled.
    expect(statSync(path).size).toBeGreaterThan(3_000_000);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(stblOf(spilled)).equals(Buffer.from(stblOf(kept)))).toBe(true);
    file.close();
    expect(existsSync(path)).toBe(false);
  });

  it('makes no file for tables that never fill a block, and removes nothing that is not there', () => {
    const path = scratchPath();
    const file = new TableSpillFile(path);
    const builder = new TablesBuilder(file.spill);
    fill(builder, 100);
    expect(stblOf(builder).length).toBeGreaterThan(0);
    expect(existsSync(path)).toBe(false);
    file.close();
    file.close();
  });

  it('writes spilled and in-memory chunks in order through one reused buffer, each at its offset', async () => {
    const file = new TableSpillFile(scratchPath());
    const a = new Uint8Array(300).fill(1);
    const b = file.spill(new Uint8Array(200).fill(2));
    const c = new Uint8Array(5).fill(3);
    const d = file.spill(new Uint8Array(100).fill(4));
    const out = new Uint8Array(605);
    const buffers = new Set<ArrayBufferLike>();
    await writeChunks([a, b, c, d], (bytes, at) => {
      if (bytes !== a && bytes !== c) buffers.add(bytes.buffer);
      out.set(bytes, at);
      return Promise.resolve();
    });
    expect(buffers.size).toBe(1);
    expect(Array.from(out.subarray(295, 305))).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(Array.from(out.subarray(498, 507))).toEqual([2, 2, 3, 3, 3, 3, 3, 4, 4]);
    expect(out[604]).toBe(4);
    file.close();
  });

  it('refuses to read a spilled block back once the join has closed its scratch file', () => {
    const file = new TableSpillFile(scratchPath());
    const block = file.spill(new Uint8Array(1024).fill(7));
    expect(block.read()).toEqual(new Uint8Array(1024).fill(7));
    file.close();
    expect(() => block.read()).toThrow(/closed/);
  });
});
