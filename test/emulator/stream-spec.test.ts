import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseStreamSpec } from '../../src/emulator/stream-spec.js';
import { configSelector, offlinePredicate } from '../../src/emulator/time-marks.js';

describe('parseStreamSpec', () => {
  it('reads a preset stream with every option', () => {
    const spec = parseStreamSpec(
      'demo=h264_aac,fragment=2s,span=48h,gap=10:00-10:05,skew=11s,bitrate=4x,retention=72h,cpd-change=12:00,jitter=10ms',
    );
    expect(spec).toEqual({
      name: 'demo',
      source: { preset: 'h264_aac' },
      fragmentSeconds: 2,
      spanMs: 48 * 3_600_000,
      gaps: [{ from: { dailyMinute: 600 }, to: { dailyMinute: 605 } }],
      skewMs: 11_000,
      bitrate: 4,
      retentionHours: 72,
      cpdChanges: [{ dailyMinute: 720 }],
      jitterMs: 10,
    });
  });

  it('treats a non-preset source as a user file and accepts absolute gaps and negative skew', () => {
    const spec = parseStreamSpec(
      'mine=./clips/a.mp4,gap=2026-01-01T10:00:00Z/2026-01-01T11:00:00Z,skew=-2s,retention=0',
    );
    expect(spec.source).toEqual({ file: './clips/a.mp4' });
    expect(spec.gaps).toEqual([{ from: { atMs: Date.UTC(2026, 0, 1, 10) }, to: { atMs: Date.UTC(2026, 0, 1, 11) } }]);
    expect(spec.skewMs).toBe(-2000);
    expect(spec.retentionHours).toBe(0);
  });

  it('reads clip-error=, the producer-side media errors GetClip can be made to answer, and rejects other values', () => {
    expect(parseStreamSpec('a=h264,clip-error=unsupported-media-type').clipError).toBe('unsupported-media-type');
    expect(parseStreamSpec('a=h264,clip-error=missing-codec-private-data').clipError).toBe(
      'missing-codec-private-data',
    );
    expect(() => parseStreamSpec('a=h264,clip-error=vp8')).toThrow(/clip-error=vp8: expected/);
  });

  it('reads the bare live flag', () => {
    expect(parseStreamSpec('cam=h264,live,span=10m')).toMatchObject({ live: true, spanMs: 600_000 });
  });

  it.each([
    'noequals',
    'bad name=h264',
    'a=h264,fragment=11s',
    'a=h264,fragment=1500ms',
    'a=h264,bitrate=0.5x',
    'a=h264,colour=red',
    'a=h264,gap=25:00-26:00',
  ])('rejects %s with a RangeError', (text) => {
    expect(() => parseStreamSpec(text)).toThrow(RangeError);
  });

  it('parses durations in every unit', () => {
    expect([
      parseDurationMs('500ms'),
      parseDurationMs('2s'),
      parseDurationMs('5m'),
      parseDurationMs('1.5h'),
      parseDurationMs('7d'),
    ]).toEqual([500, 2000, 300_000, 5_400_000, 604_800_000]);
  });
});

describe('time marks', () => {
  it('marks a daily gap on every day, including one that wraps midnight', () => {
    const offline = offlinePredicate([{ from: { dailyMinute: 23 * 60 + 55 }, to: { dailyMinute: 5 } }]);
    expect(offline(Date.UTC(2026, 2, 3, 23, 56))).toBe(true);
    expect(offline(Date.UTC(2026, 2, 4, 0, 4, 59))).toBe(true);
    expect(offline(Date.UTC(2026, 2, 4, 0, 5))).toBe(false);
    expect(offline(Date.UTC(2026, 2, 4, 12))).toBe(false);
  });

  it('toggles the codec configuration at each change instant', () => {
    const config = configSelector([{ atMs: 1000 }, { atMs: 5000 }]);
    expect([config(999), config(1000), config(4999), config(5000)]).toEqual([0, 1, 1, 0]);
  });
});
