import { describe, expect, it } from 'vitest';
import { buildClipStream } from '../../src/mp4/write-samples.js';
import { collect, memoryTrack, topLevelBoxes } from './synthetic-tracks.js';

const tracks = [
  memoryTrack({ trackId: 1, kind: 'video', timescale: 1000, count: 45, duration: 66 }),
  memoryTrack({ trackId: 2, kind: 'audio', timescale: 16000, count: 47, duration: 1024 }),
];

describe('buildClipStream', () => {
  it.each(['moov-first', 'moov-last', 'fragmented'] as const)('announces exactly the size it yields (%s)', async (layout) => {
    const stream = buildClipStream({ movieTimescale: 1000, tracks }, { layout });
    const bytes = await collect(stream.chunks());
    expect(bytes.length).toBe(stream.sizeBytes);
    const boxes = topLevelBoxes(bytes);
    expect(boxes.reduce((sum, b) => sum + b.size, 0)).toBe(bytes.length);
  });

  it('puts moov before mdat for moov-first and after it for moov-last', async () => {
    const first = topLevelBoxes(await collect(buildClipStream({ movieTimescale: 1000, tracks }, { layout: 'moov-first' }).chunks()));
    const last = topLevelBoxes(await collect(buildClipStream({ movieTimescale: 1000, tracks }, { layout: 'moov-last' }).chunks()));
    expect(first.map((b) => b.type)).toEqual(['ftyp', 'moov', 'mdat']);
    expect(last.map((b) => b.type)).toEqual(['ftyp', 'mdat', 'moov']);
  });

  it('writes one moof and mdat per video GOP in the fragmented layout', async () => {
    const bytes = await collect(buildClipStream({ movieTimescale: 1000, tracks }, { layout: 'fragmented' }).chunks());
    const types = topLevelBoxes(bytes).map((b) => b.type);
    expect(types.slice(0, 2)).toEqual(['ftyp', 'moov']);
    expect(types.filter((t) => t === 'moof')).toHaveLength(3);
    expect(types.filter((t) => t === 'mdat')).toHaveLength(3);
  });

  it('copies every payload byte exactly once', async () => {
    const stream = buildClipStream({ movieTimescale: 1000, tracks }, { layout: 'moov-last' });
    const bytes = await collect(stream.chunks());
    const mdat = topLevelBoxes(bytes).find((b) => b.type === 'mdat');
    let expected = 0;
    for (const t of tracks) for (const s of t.samples) expected += s.size;
    expect(mdat?.size).toBe(8 + expected);
  });
});
