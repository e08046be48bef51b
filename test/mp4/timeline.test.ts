import { describe, expect, it } from 'vitest';
import { MediaError } from '../../src/errors/media-error.js';
import {
  anchorBase,
  classifyStart,
  provisionalLastDuration,
  readPartEdit,
  snapTolerance,
} from '../../src/mp4/plan/timeline.js';
import { syntheticTrack } from './synthetic-clips.js';

const track = (edits: { segmentDuration: number; mediaTime: number; rate: number }[]) =>
  syntheticTrack(1, { kind: 'video', timescale: 15360, count: 3, duration: 1024, edits });

describe('readPartEdit', () => {
  it('reads no edit list as identity (or the given media time for fragmented input)', () => {
    expect(readPartEdit(track([]), 'a.mp4', 0)).toEqual({ emptyMovie: 0, mediaTime: 0 });
    expect(readPartEdit(track([]), 'a.mp4', 512)).toEqual({ emptyMovie: 0, mediaTime: 512 });
  });

  it('accepts an empty edit followed by one media edit', () => {
    const edits = [
      { segmentDuration: 133, mediaTime: -1, rate: 1 },
      { segmentDuration: 2000, mediaTime: 2048, rate: 1 },
    ];
    expect(readPartEdit(track(edits), 'a.mp4', 0)).toEqual({ emptyMovie: 133, mediaTime: 2048 });
  });

  it('rejects two media edits and non-unit rates with E_MEDIA_UNSUPPORTED naming the clip', () => {
    const two = [
      { segmentDuration: 1000, mediaTime: 0, rate: 1 },
      { segmentDuration: 1000, mediaTime: 5000, rate: 1 },
    ];
    expect(() => readPartEdit(track(two), 'b.mp4', 0)).toThrow(MediaError);
    expect(() => readPartEdit(track(two), 'b.mp4', 0)).toThrow(/b\.mp4/);
    expect(() => readPartEdit(track([{ segmentDuration: 1000, mediaTime: 0, rate: 2 }]), 'b.mp4', 0)).toThrow(
      /Unsupported edit list/,
    );
  });
});

describe('anchorBase', () => {
  it('places decode time 0 at the anchor plus the empty edit minus the media time', () => {
    // 133 ms empty edit at 15360 Hz is 2042.88 → 2043 ticks; media_time 2048 (two B-frames of delay).
    expect(
      anchorBase({
        anchor: 0n,
        anchorTimescale: 15360,
        emptyMovie: 133,
        movieTimescale: 1000,
        timescale: 15360,
        mediaTime: 2048,
      }),
    ).toBe(-5);
    // The same anchor seen from a 16 kHz audio track: 2 s → 32000 ticks, 48 ms empty edit → 768.
    expect(
      anchorBase({
        anchor: 30720n,
        anchorTimescale: 15360,
        emptyMovie: 48,
        movieTimescale: 1000,
        timescale: 16000,
        mediaTime: 0,
      }),
    ).toBe(32768);
  });

  it('stays exact where T × timescale passes 2^53 (bigint inside)', () => {
    const anchor = 10n ** 15n;
    expect(
      anchorBase({
        anchor,
        anchorTimescale: 90000,
        emptyMovie: 0,
        movieTimescale: 1000,
        timescale: 90000,
        mediaTime: 0,
      }),
    ).toBe(1e15);
  });
});

describe('classifyStart and snapTolerance', () => {
  it('snaps within one sample, calls larger positive mismatches gaps and negative ones overlaps', () => {
    const tol = snapTolerance(15360, 1024, 1000);
    expect(tol).toBe(1024);
    expect(classifyStart(1024, tol)).toEqual({ kind: 'snap', delta: 1024 });
    expect(classifyStart(-1000, tol)).toEqual({ kind: 'snap', delta: -1000 });
    expect(classifyStart(1025, tol)).toEqual({ kind: 'gap', delta: 1025 });
    expect(classifyStart(-2000, tol)).toEqual({ kind: 'overlap', delta: -2000 });
  });

  it('never snaps finer than a millisecond (the precision of edit lists and KVS timestamps)', () => {
    expect(snapTolerance(8000, 1, 1000)).toBe(8);
  });
});

describe('provisionalLastDuration', () => {
  it('assumes the previous sample duration rather than a truncated last one', () => {
    expect(provisionalLastDuration(512, 1024)).toBe(1024);
    expect(provisionalLastDuration(700, undefined)).toBe(700);
  });
});
