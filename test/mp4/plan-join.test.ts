import { describe, expect, it } from 'vitest';
import { MediaError } from '../../src/errors/media-error.js';
import { buildMoov } from '../../src/mp4/boxes/build-moov.js';
import type { Clip } from '../../src/mp4/model.js';
import type { CompactTables, OutputTrack } from '../../src/mp4/plan/output-track.js';
import type { PlanPart } from '../../src/mp4/plan/join-timeline.js';
import { JoinPlan } from '../../src/mp4/plan/plan-join.js';
import { chunkBytes } from '../../src/mp4/plan/table-spill.js';
import { aac2s, syntheticClip, video2s } from './synthetic-clips.js';
import { fakeEntry } from './synthetic-tracks.js';
import { readRuns } from './read-runs.js';

/** An output track with its compact tables expanded to one entry per sample, as a reader would see them. */
type WrittenTrack = OutputTrack & {
  readonly sizes: Uint32Array;
  readonly durations: Uint32Array;
  readonly sampleCounts: null;
  readonly ctsOffsets: Int32Array | null;
  readonly entryIndex: Uint8Array;
  /** Relative to the mdat payload (per-sample sizes only; empty for constant-size PCM). */
  readonly offsets: Float64Array;
  readonly tables: CompactTables;
};

function expand(t: OutputTrack): WrittenTrack {
  if (!('compact' in t)) throw new Error('a join keeps compact tables');
  const c = t.compact;
  const runs = (counts: ArrayLike<number>, values: ArrayLike<number>): number[] =>
    Array.from(counts).flatMap((count, r) => new Array<number>(count).fill(values[r] ?? 0));
  const sizes: number[] = [];
  for (const chunk of c.stszEntries ?? []) {
    const block = chunkBytes(chunk);
    const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
    for (let at = 0; at < block.length; at += 4) sizes.push(view.getUint32(at));
  }
  const entryIndex: number[] = [];
  const offsets: number[] = [];
  for (let k = 0, r = 0; k < c.chunkOffsets.length; k++) {
    while (r + 1 < c.stsc.firstChunks.length && (c.stsc.firstChunks[r + 1] ?? 0) <= k + 1) r++;
    let at = c.chunkOffsets[k] ?? 0;
    for (let i = 0; i < (c.stsc.samplesPerChunk[r] ?? 0); i++) {
      entryIndex.push((c.stsc.sampleDescriptionIndices[r] ?? 1) - 1);
      offsets.push(at);
      at += sizes[offsets.length - 1] ?? 0;
    }
  }
  return {
    ...t,
    sizes: Uint32Array.from(sizes),
    durations: Uint32Array.from(runs(readRuns(c.stts).counts, readRuns(c.stts).values)),
    sampleCounts: null,
    ctsOffsets:
      c.ctts === null ? null : Int32Array.from(runs(readRuns(c.ctts, true).counts, readRuns(c.ctts, true).values)),
    entryIndex: Uint8Array.from(entryIndex),
    offsets: c.stszEntries === null ? new Float64Array(0) : Float64Array.from(offsets),
    tables: c,
  };
}

function join(parts: PlanPart[], gaps: 'keep' | 'close' = 'keep') {
  const plan = new JoinPlan({ gaps });
  const results = parts.map((p) => plan.append(p));
  const movie = plan.movie();
  return { plan, results, movie, tracks: movie.tracks.map(expand), payloadOffset: 0 };
}

function dtsOf(t: WrittenTrack): number[] {
  const out: number[] = [];
  let dts = 0;
  t.durations.forEach((d, i) => {
    out.push(dts);
    dts += d * (t.sampleCounts?.[i] ?? 1);
  });
  return out;
}

function track(written: { tracks: readonly WrittenTrack[] }, i: number): WrittenTrack {
  const t = written.tracks[i];
  if (t === undefined) throw new Error(`no track ${i}`);
  return t;
}

const av = (): Clip => syntheticClip(video2s, aac2s);

describe('JoinPlan', () => {
  it('joins three A/V parts into one run of samples with no odd duration at the joins', () => {
    const written = join([0, 1, 2].map((i) => ({ clip: av(), name: `p${i}` })));
    const v = track(written, 0);
    const a = track(written, 1);
    expect(v.sizes.length).toBe(90);
    expect(new Set(v.durations)).toEqual(new Set([1024]));
    expect(v.mediaDuration).toBe(3 * 30720);
    // Audio overhangs each 2 s part by 48 ms; the next part is anchored on video, so the overhang is an overlap
    // and whole AAC frames are dropped instead of shifting the audio or reordering it.
    expect(new Set(a.durations)).toEqual(new Set([1024]));
    expect(a.sizes.length).toBeLessThan(96);
    expect(a.sizes.length).toBeGreaterThanOrEqual(94);
    const payload = written.results
      .flatMap((r) => r.pieces)
      .reduce((sum, p) => sum + (p.kind === 'source' ? p.length : 0), 0);
    expect(payload).toBe(written.plan.payloadBytes);
    expect(written.plan.timeline.gaps).toEqual([]);
  });

  it('gives the same moov whether or not the movie was looked at between parts', () => {
    const parts = [0, 1, 2].map((i) => ({ clip: av(), name: `p${i}`, startMs: i * 2000 }));
    const options = { layout: 'progressive' as const, payloadOffset: 48, co64ThresholdBytes: 0xffffffff };
    const peeked = new JoinPlan({ gaps: 'keep' });
    const early: Uint8Array[] = [];
    for (const part of parts) {
      peeked.append(part);
      early.push(buildMoov(peeked.movie(), options));
    }
    const plain = new JoinPlan({ gaps: 'keep' });
    for (const part of parts) plain.append(part);
    expect(Buffer.from(buildMoov(peeked.movie(), options)).equals(Buffer.from(buildMoov(plain.movie(), options)))).toBe(
      true,
    );
    expect(early[0]?.length).toBeLessThan(early[2]?.length ?? 0);
  });

  it('lays chunks out back to back: offsets increase and cover the payload exactly', () => {
    const written = join([0, 1].map((i) => ({ clip: av(), name: `p${i}` })));
    const samples: { offset: number; bytes: number }[] = [];
    for (const t of written.tracks) t.sizes.forEach((bytes, u) => samples.push({ offset: t.offsets[u] ?? 0, bytes }));
    samples.sort((x, y) => x.offset - y.offset);
    let at = written.payloadOffset;
    for (const c of samples) {
      expect(c.offset).toBe(at);
      at += c.bytes;
    }
    expect(at - written.payloadOffset).toBe(written.plan.payloadBytes);
    // ~1 s chunks, interleaved: more than one chunk per track per part.
    const v = track(written, 0);
    expect(v.tables.chunkOffsets.length).toBeGreaterThanOrEqual(4);
  });

  it('keeps a gap as one long sample duration and reports it', () => {
    const written = join([
      { clip: syntheticClip(video2s), name: 'a', startMs: 1_000_000 },
      { clip: syntheticClip(video2s), name: 'b', startMs: 1_007_000 },
    ]);
    const v = track(written, 0);
    expect(v.durations[29]).toBe(1024 + 5 * 15360);
    expect(written.plan.timeline.gaps).toEqual([{ atMs: 2000, durationMs: 5000 }]);
    expect(v.mediaDuration).toBe(9 * 15360);
  });

  it('closes a gap when asked: parts are butted together, later parts follow, the gap is reported once', () => {
    const written = join(
      [
        { clip: av(), name: 'a', startMs: 1_000_000 },
        { clip: av(), name: 'b', startMs: 1_007_000 },
        { clip: av(), name: 'c', startMs: 1_009_000 },
      ],
      'close',
    );
    expect(track(written, 0).mediaDuration).toBe(3 * 30720);
    expect(new Set(track(written, 0).durations)).toEqual(new Set([1024]));
    expect(new Set(track(written, 1).durations)).toEqual(new Set([1024]));
    expect(written.plan.timeline.gaps).toEqual([{ atMs: 2000, durationMs: 5000 }]);
  });

  it('snaps a start that is off by less than one frame instead of inventing a gap', () => {
    const written = join([
      { clip: syntheticClip(video2s), name: 'a', startMs: 0 },
      { clip: syntheticClip(video2s), name: 'b', startMs: 2040 },
      { clip: syntheticClip(video2s), name: 'c', startMs: 3970 },
    ]);
    expect(new Set(track(written, 0).durations)).toEqual(new Set([1024]));
    expect(written.plan.timeline.gaps).toEqual([]);
  });

  it('never reorders: an overlapping video part is pushed after the previous one, DTS strictly increasing', () => {
    const written = join([
      { clip: syntheticClip(video2s), name: 'a', startMs: 0 },
      { clip: syntheticClip(video2s), name: 'b', startMs: 1500 },
    ]);
    const dts = dtsOf(track(written, 0));
    for (let i = 1; i < dts.length; i++) expect(dts[i]).toBeGreaterThan(dts[i - 1] ?? 0);
    expect(new Set(track(written, 0).durations)).toEqual(new Set([1024]));
  });

  it('does not trust a truncated last duration of a part', () => {
    const written = join([
      { clip: syntheticClip({ ...video2s, lastDuration: 300 }), name: 'a' },
      { clip: syntheticClip(video2s), name: 'b' },
    ]);
    // T_1 = T_0 + Σ stts (30420), so the second part starts 604 ticks early: snapped onto the typical end.
    expect(new Set(track(written, 0).durations.subarray(0, 59))).toEqual(new Set([1024]));
  });

  it('honours each part’s edit list: a B-frame delay becomes the output media time, an empty edit stays', () => {
    const edits = [
      { segmentDuration: 133, mediaTime: -1, rate: 1 },
      { segmentDuration: 2000, mediaTime: 2048, rate: 1 },
    ];
    const first = syntheticClip({ ...video2s, edits, ctsOffset: 2048 });
    const next = syntheticClip({
      ...video2s,
      edits: [{ segmentDuration: 2000, mediaTime: 2048, rate: 1 }],
      ctsOffset: 2048,
    });
    const written = join([
      { clip: first, name: 'a' },
      { clip: next, name: 'b' },
    ]);
    const v = track(written, 0);
    expect(v.edits).toEqual([
      { segmentDuration: 133, mediaTime: -1, rate: 1 },
      { segmentDuration: 4000, mediaTime: 2048, rate: 1 },
    ]);
    expect(new Set(v.durations)).toEqual(new Set([1024]));
  });

  it('adds a second sample entry for a new codec configuration and switches to it at the part', () => {
    const small = syntheticClip({ ...video2s, entry: fakeEntry('avc1', 'h264', 'small') });
    const large = syntheticClip({ ...video2s, entry: fakeEntry('avc1', 'h264', 'large') });
    const written = join([
      { clip: small, name: 'a' },
      { clip: small, name: 'b' },
      { clip: large, name: 'c' },
    ]);
    const v = track(written, 0);
    expect(v.entries.map((e) => e.key)).toEqual(['small', 'large']);
    expect([...v.entryIndex.subarray(59, 61)]).toEqual([0, 1]);
    expect(written.plan.timeline.configChanges).toBe(1);
    const moov = buildMoov(written.movie, { layout: 'progressive', payloadOffset: 48, co64ThresholdBytes: 0xffffffff });
    // stsc: the chunk that starts part c names sample description 2.
    expect(Buffer.from(moov).includes(Buffer.from('stsc'))).toBe(true);
  });

  it('refuses a different codec, track layout or NAL length size with E_JOIN_MISMATCH naming both parts', () => {
    const h265 = syntheticClip({ ...video2s, entry: fakeEntry('hvc1', 'h265') });
    const nal2 = syntheticClip({ ...video2s, entry: { ...fakeEntry('avc1', 'h264', 'other'), nalLengthSize: 2 } });
    for (const [other, what] of [
      [h265, /codec/],
      [av(), /tracks/],
      [nal2, /NAL length size/],
    ] as const) {
      const plan = new JoinPlan({ gaps: 'keep' });
      plan.append({ clip: syntheticClip(video2s), name: 'first.mp4' });
      let error: unknown;
      try {
        plan.append({ clip: other, name: 'second.mp4' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(MediaError);
      expect(error).toMatchObject({ code: 'E_JOIN_MISMATCH' });
      expect(String(error)).toMatch(/first\.mp4.*second\.mp4/);
      expect(String(error)).toMatch(what);
    }
  });

  it('keeps A-law tables chunk-wise with a constant sample size', () => {
    const alaw = { kind: 'audio' as const, timescale: 8000, count: 16, duration: 1, pcmChunk: 1000 };
    const written = join([0, 1, 2].map((i) => ({ clip: syntheticClip(video2s, alaw), name: `p${i}` })));
    const a = track(written, 1);
    expect(a.constantSampleSize).toBe(1);
    const samples = a.tables.sampleCount;
    // 3 × 16000 samples, minus the 0–8 samples per join an overlap or snap may trim; never expanded per sample.
    expect(a.tables.stszEntries).toBeNull();
    expect(a.tables.stts.entryCount).toBeLessThanOrEqual(3);
    expect(samples).toBeGreaterThan(47_970);
    expect(samples).toBeLessThanOrEqual(48_000);
  });
});

describe('buildMoov from merged tables', () => {
  it('switches stco to co64 only when an offset passes the threshold', () => {
    const written = join([0, 1].map((i) => ({ clip: av(), name: `p${i}` })));
    const low = Buffer.from(
      buildMoov(written.movie, { layout: 'progressive', payloadOffset: 48, co64ThresholdBytes: 0xffffffff }),
    );
    const high = Buffer.from(
      buildMoov(written.movie, {
        layout: 'progressive',
        payloadOffset: 48,
        co64ThresholdBytes: written.plan.payloadBytes / 2,
      }),
    );
    expect(low.includes(Buffer.from('stco'))).toBe(true);
    expect(low.includes(Buffer.from('co64'))).toBe(false);
    expect(high.includes(Buffer.from('co64'))).toBe(true);
  });
});
