import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildMoov } from '../../src/mp4/boxes/build-moov.js';
import { mdatHeader } from '../../src/mp4/boxes/byte-writer.js';
import { memorySource } from '../../src/mp4/write/file-source.js';
import type { Clip } from '../../src/mp4/model.js';
import { JoinPlan } from '../../src/mp4/plan/plan-join.js';
import type { OutputMovie, OutputTrack } from '../../src/mp4/plan/output-track.js';
import { readClip } from '../../src/mp4/read/read-clip.js';
import { PROGRESSIVE_FTYP } from '../../src/mp4/write/write-progressive.js';
import { fixtureSet } from '../fixtures/fixture-sets.js';
import { syntheticClip, video2s } from './synthetic-clips.js';

/** Real sample entries (the reader parses avcC/esds), on synthesised tables. */
async function entries(): Promise<Clip> {
  return readClip(memorySource(readFileSync(fixtureSet('h264_res').clips[0] ?? '')));
}

describe('buildMoov parse(write(x))', () => {
  it('reads back the merged tables, entries, edit list and chunk offsets it was built from', async () => {
    const real = await entries();
    const [v, a] = real.tracks;
    const other = (await readClip(memorySource(readFileSync(fixtureSet('h264_res').clips[3] ?? '')))).tracks[0]
      ?.entries[0];
    if (v?.entries[0] === undefined || a?.entries[0] === undefined || other === undefined)
      throw new Error('fixture lacks entries');
    const edits = [
      { segmentDuration: 133, mediaTime: -1, rate: 1 },
      { segmentDuration: 2000, mediaTime: 2048, rate: 1 },
    ];
    const audioEdits = [
      { segmentDuration: 48, mediaTime: -1, rate: 1 },
      { segmentDuration: 1984, mediaTime: 0, rate: 1 },
    ];
    const part = (entry: typeof other): Clip =>
      syntheticClip(
        { ...video2s, entry, ctsOffset: 2048, edits },
        { kind: 'audio', timescale: 16000, count: 31, duration: 1024, entry: a.entries[0] ?? other, edits: audioEdits },
      );
    const plan = new JoinPlan({ gaps: 'keep' });
    plan.append({ clip: part(v.entries[0]), name: 'a' });
    plan.append({ clip: part(other), name: 'b' });
    const movie = plan.movie();
    const payloadOffset = PROGRESSIVE_FTYP.length + 8;
    const moov = buildMoov(movie, { layout: 'progressive', payloadOffset, co64ThresholdBytes: 1000 });
    const file = Buffer.concat([
      PROGRESSIVE_FTYP,
      mdatHeader(plan.payloadBytes),
      Buffer.alloc(plan.payloadBytes),
      moov,
    ]);
    const back = await readClip(memorySource(file));
    expect(back.movieTimescale).toBe(movie.movieTimescale);
    movie.tracks.forEach((t, i) => {
      const b = back.tracks[i];
      if (b === undefined) throw new Error(`track ${i} missing`);
      expect(b.kind).toBe(t.kind);
      expect(b.timescale).toBe(t.timescale);
      expect(b.edits).toEqual(t.edits);
      expect(b.entries.map((e) => e.key)).toEqual(t.entries.map((e) => e.key));
      if (!('compact' in t)) throw new Error('a join keeps compact tables');
      const c = t.compact;
      expect(b.samples.sizes.length).toBe(c.sampleCount);
      // Offsets: each chunk's first sample sits at payloadOffset + the chunk's planned offset (co64 above 1000).
      const starts = new Set([...b.samples.offsets]);
      for (let k = 0; k < c.chunkOffsets.length; k++)
        expect(starts.has(payloadOffset + (c.chunkOffsets[k] ?? 0))).toBe(true);
    });
    // The same tables in per-unit form (as read back) write exactly the same moov: the compact form loses nothing.
    const unitMovie: OutputMovie = {
      movieTimescale: movie.movieTimescale,
      tracks: movie.tracks.map((t, i): OutputTrack => {
        const s = back.tracks[i]?.samples;
        if (!('compact' in t) || s === undefined) throw new Error(`track ${i}`);
        const { compact, ...facts } = t;
        const chunkUnitCounts = Array.from(compact.chunkOffsets, (offset, k) => {
          const end =
            k + 1 < compact.chunkOffsets.length
              ? payloadOffset + (compact.chunkOffsets[k + 1] ?? 0)
              : Number.POSITIVE_INFINITY;
          return s.offsets.filter((o) => o >= payloadOffset + offset && o < end).length;
        });
        return {
          ...facts,
          sizes: s.sizes,
          durations: s.durations,
          sampleCounts: s.sampleCounts,
          ctsOffsets: s.ctsOffsets,
          sync: s.sync,
          entryIndex: s.entryIndex,
          chunkOffsets: Float64Array.from(compact.chunkOffsets),
          chunkUnitCounts: Uint32Array.from(chunkUnitCounts),
        };
      }),
    };
    expect(
      Buffer.from(buildMoov(unitMovie, { layout: 'progressive', payloadOffset, co64ThresholdBytes: 1000 })).equals(
        Buffer.from(moov),
      ),
    ).toBe(true);
    expect(movie.tracks[0]?.entries).toHaveLength(2);
    expect(Buffer.from(moov).includes(Buffer.from('co64'))).toBe(true);
  });
});
