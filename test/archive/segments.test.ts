import { describe, expect, it } from 'vitest';
import {
  alignDown,
  completeSegments,
  fragmentsInSegment,
  nextCompletionMs,
  parseSegmentLength,
  segmentContaining,
  startCursor,
} from '../../src/archive/segments.js';
import { UsageError } from '../../src/errors/usage-error.js';
import { seededRandom } from '../../src/emulator/seeded-random.js';

const at = (iso: string): number => Date.parse(iso);
const M15 = 15 * 60_000;

describe('parseSegmentLength', () => {
  it.each([
    ['10s', 10_000],
    ['15m', M15],
    ['1h', 3_600_000],
    ['24h', 86_400_000],
  ])('accepts %s', (text, ms) => {
    expect(parseSegmentLength(text)).toBe(ms);
  });

  it.each(['7m', '25h', '1500ms', '0s', 'soon'])('rejects %j, which does not divide a UTC day', (text) => {
    expect(() => parseSegmentLength(text)).toThrow(UsageError);
  });
});

describe('segments', () => {
  it('starts 15m segments at :00, :15, :30 and :45 UTC', () => {
    expect(new Date(alignDown(at('2026-12-02T13:44:59.999Z'), M15)).toISOString()).toBe('2026-12-02T13:30:00.000Z');
    expect(segmentContaining(at('2026-12-02T13:45:00Z'), M15)).toEqual({
      startMs: at('2026-12-02T13:45:00Z'),
      endMs: at('2026-12-02T14:00:00Z'),
    });
  });

  it('lists only segments whose end is at or before now minus settle', () => {
    const cursor = at('2026-12-02T12:00:00Z');
    const segments = completeSegments(cursor, { nowMs: at('2026-12-02T13:00:30Z'), settleMs: 30_000 }, M15);
    expect(segments.map((s) => new Date(s.endMs).toISOString().slice(11, 16))).toEqual([
      '12:15',
      '12:30',
      '12:45',
      '13:00',
    ]);
    expect(completeSegments(cursor, { nowMs: at('2026-12-02T13:00:29Z'), settleMs: 30_000 }, M15)).toHaveLength(3);
  });

  it('caps a long catch-up at the limit, oldest first', () => {
    const segments = completeSegments(0, { nowMs: 86_400_000, settleMs: 0 }, M15, 5);
    expect(segments.map((s) => s.startMs)).toEqual([0, 1, 2, 3, 4].map((i) => i * M15));
  });

  it('refuses a cursor that is not a segment start', () => {
    expect(() => completeSegments(1, { nowMs: 86_400_000, settleMs: 0 }, M15)).toThrow(RangeError);
  });

  it('starts a stream with no state at --since aligned down, and a known stream after its last segment', () => {
    expect(startCursor(undefined, at('2026-12-02T13:07:00Z'), M15)).toBe(at('2026-12-02T13:00:00Z'));
    expect(startCursor(at('2026-12-02T12:45:00Z'), at('2026-12-02T13:07:00Z'), M15)).toBe(at('2026-12-02T12:45:00Z'));
  });

  it('says when the next segment completes', () => {
    expect(nextCompletionMs(at('2026-12-02T13:00:00Z'), 30_000, M15)).toBe(at('2026-12-02T13:15:30Z'));
  });

  it('puts every fragment into exactly one of consecutive segments, boundaries included', () => {
    const random = seededRandom(7);
    const base = at('2026-12-02T10:00:00Z');
    const fragments = Array.from({ length: 2000 }, (_, i) => ({
      id: i,
      startMs: base + Math.floor(random() * 3 * 3_600_000),
    }));
    fragments.push(
      { id: 2000, startMs: base + M15 },
      { id: 2001, startMs: base + M15 - 1 },
      { id: 2002, startMs: base },
    );
    const segments = completeSegments(base, { nowMs: base + 3 * 3_600_000, settleMs: 0 }, M15);
    const seen = segments.flatMap((segment) => fragmentsInSegment(fragments, segment).map((f) => f.id));
    expect(seen.sort((a, b) => a - b)).toEqual(fragments.map((f) => f.id).sort((a, b) => a - b));
    expect(fragmentsInSegment(fragments, segments[0]!).map((f) => f.id)).toContain(2001);
    expect(fragmentsInSegment(fragments, segments[1]!).map((f) => f.id)).toContain(2000);
  });
});
