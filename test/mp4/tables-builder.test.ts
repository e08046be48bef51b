import { describe, expect, it } from 'vitest';
import { compactTables, TablesBuilder } from '../../src/mp4/plan/tables-builder.js';
import { chunkBytes } from '../../src/mp4/plan/table-spill.js';
import { readRuns } from './read-runs.js';

function stssNumbers(runs: {
  firsts: ArrayLike<number>;
  counts: ArrayLike<number>;
  steps: ArrayLike<number>;
}): number[] {
  const out: number[] = [];
  for (let r = 0; r < runs.counts.length; r++)
    for (let k = 0; k < (runs.counts[r] ?? 0); k++) out.push((runs.firsts[r] ?? 0) + k * (runs.steps[r] ?? 0));
  return out;
}

describe('TablesBuilder', () => {
  it('keeps sync sample numbers as arithmetic runs that expand to exactly the sync units', () => {
    const sync = [1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1];
    const n = sync.length;
    const tables = compactTables(
      {
        sizes: new Uint32Array(n).fill(10),
        durations: new Uint32Array(n).fill(512),
        sampleCounts: null,
        ctsOffsets: null,
        sync: Uint8Array.from(sync),
        entryIndex: new Uint8Array(n),
        chunkOffsets: Float64Array.from([0]),
        chunkUnitCounts: Uint32Array.from([n]),
      },
      0,
    );
    const expected = sync.flatMap((s, i) => (s === 1 ? [i + 1] : []));
    expect(tables.stss === null ? [] : stssNumbers(tables.stss)).toEqual(expected);
    expect(tables.stss?.total).toBe(expected.length);
    // 1, 4, 7, 10 | 11, 16 | 18: three runs, not seven entries.
    expect(tables.stss?.counts.length).toBe(3);
    expect(readRuns(tables.stts)).toEqual({ counts: [n], values: [512] });
    expect(tables.stts.entryCount).toBe(1);
    expect(tables.ctts).toBeNull();
  });

  it('writes stsz entries big-endian across fixed-size blocks without losing or reordering any', () => {
    const builder = new TablesBuilder();
    builder.addChunk(0, 0);
    const n = 70_000;
    for (let i = 0; i < n; i++)
      builder.add({ size: (i * 2654435761) >>> 0, duration: 1, count: 1, cts: i % 3 === 0 ? 0 : 2, sync: true });
    const tables = builder.tables({ constantSampleSize: 0, withStss: false });
    const blocks = tables.stszEntries ?? [];
    expect(blocks.length).toBe(2);
    const bytes = Buffer.concat(blocks.map(chunkBytes));
    expect(bytes.length).toBe(n * 4);
    for (const i of [0, 1, 65_535, 65_536, n - 1]) expect(bytes.readUInt32BE(i * 4)).toBe((i * 2654435761) >>> 0);
    expect(tables.sampleCount).toBe(n);
    expect(tables.stss).toBeNull();
    let cttsSamples = 0;
    const ctts = tables.ctts === null ? { counts: [], values: [] } : readRuns(tables.ctts, true);
    for (const count of ctts.counts) cttsSamples += count;
    expect(cttsSamples).toBe(n);
    expect(ctts.values.slice(0, 3)).toEqual([0, 2, 0]);
    expect(tables.ctts?.entryCount).toBe(ctts.counts.length);
    expect(builder.mediaDuration).toBe(n);
  });

  it('counts PCM samples per chunk and writes no stsz entries for a constant sample size', () => {
    const builder = new TablesBuilder();
    builder.addChunk(0, 0);
    builder.add({ size: 800, duration: 1, count: 800, cts: 0, sync: true });
    builder.add({ size: 200, duration: 1, count: 200, cts: 0, sync: true });
    builder.addChunk(1000, 1);
    builder.add({ size: 1000, duration: 2, count: 1000, cts: 0, sync: true });
    const tables = builder.tables({ constantSampleSize: 1, withStss: false });
    expect(tables.stszEntries).toBeNull();
    expect(tables.sampleCount).toBe(2000);
    expect(tables.stsc).toEqual({
      firstChunks: [1, 2],
      samplesPerChunk: [1000, 1000],
      sampleDescriptionIndices: [1, 2],
    });
    expect(readRuns(tables.stts)).toEqual({ counts: [1000, 1000], values: [1, 2] });
    expect(builder.mediaDuration).toBe(3000);
  });
});
