import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/mp4/boxes/byte-writer.js';
import { buildStbl } from '../../src/mp4/boxes/build-stbl.js';
import { buildCtts } from '../../src/mp4/boxes/ctts.js';
import { buildStts } from '../../src/mp4/boxes/stts.js';
import { RunBlocks } from '../../src/mp4/plan/run-blocks.js';
import { TablesBuilder } from '../../src/mp4/plan/tables-builder.js';
import { chunkBytes } from '../../src/mp4/plan/table-spill.js';
import { readRuns } from './read-runs.js';

/** Index of `needle` in `hay`, or -1. */
function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

describe('RunBlocks', () => {
  it('keeps every run across block boundaries, merging equal neighbours', () => {
    const runs = new RunBlocks(false);
    const counts: number[] = [];
    const values: number[] = [];
    // 66/67 alternating (a run per sample) with a stretch of equal values every 1000 samples.
    for (let i = 0; i < 100_000; i++) {
      const value = i % 1000 < 10 ? 40 : 66 + (i % 2);
      runs.extend(value, 1);
      if (values.length > 0 && values[values.length - 1] === value)
        counts[counts.length - 1] = (counts.at(-1) ?? 0) + 1;
      else {
        counts.push(1);
        values.push(value);
      }
    }
    const entries = runs.entries();
    expect(entries.entries.length).toBeGreaterThan(2);
    expect(entries.entryCount).toBe(counts.length);
    expect(runs.length).toBe(counts.length);
    expect(readRuns(entries)).toEqual({ counts, values });
  });

  it('leaves the original unchanged when a clone is extended, and the clone sees the shared runs', () => {
    const runs = new RunBlocks(true);
    for (let i = 0; i < 40_000; i++) runs.extend(i % 3, 1);
    const before = readRuns(runs.entries(), true);
    const copy = runs.clone();
    copy.extend(before.values[before.values.length - 1] ?? 0, 5);
    copy.extend(-7, 2);
    expect(readRuns(runs.entries(), true)).toEqual(before);
    const after = readRuns(copy.entries(), true);
    expect(after.counts.slice(0, -2)).toEqual(before.counts.slice(0, -1));
    expect(after.counts.slice(-2)).toEqual([(before.counts[before.counts.length - 1] ?? 0) + 5, 2]);
    expect(after.values[after.values.length - 1]).toBe(-7);
    expect(runs.entries().anyNegative).toBe(false);
    expect(copy.entries().anyNegative).toBe(true);
  });

  it('makes stts and ctts boxes with the same bytes as the box builders, version 1 ctts for a negative offset', () => {
    const builder = new TablesBuilder();
    builder.addChunk(0, 0);
    const durations: number[] = [];
    const offsets: number[] = [];
    for (let i = 0; i < 70_000; i++) {
      const duration = 66 + (i % 2);
      const cts = i === 5 ? -3 : (i % 4) * 33;
      builder.add({ size: 100, duration, count: 1, cts, sync: i % 30 === 0 });
      durations.push(duration);
      offsets.push(cts);
    }
    const compact = builder.tables({ constantSampleSize: 0, withStss: true });
    const stbl = concatBytes(
      buildStbl(
        {
          trackId: 1,
          kind: 'video',
          timescale: 1000,
          language: 'und',
          handlerName: 'v',
          width: 2,
          height: 2,
          entries: [{ raw: new Uint8Array(16) } as never],
          constantSampleSize: 0,
          compact,
          edits: [],
          mediaDuration: 0,
          movieDuration: 0,
        } as never,
        { payloadOffset: 0, co64ThresholdBytes: 0xffffffff },
      ).map(chunkBytes),
    );
    const stts = buildStts({ sampleCounts: durations.map(() => 1), sampleDeltas: durations });
    const ctts = buildCtts({ sampleCounts: offsets.map(() => 1), sampleOffsets: offsets });
    expect(ctts[8]).toBe(1);
    expect(indexOf(stbl, stts)).toBeGreaterThan(0);
    expect(indexOf(stbl, ctts)).toBeGreaterThan(0);
  });
});
