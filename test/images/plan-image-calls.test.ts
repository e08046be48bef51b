import { describe, expect, it } from 'vitest';
import { defaultEveryMs, planImageCalls } from '../../src/images/plan-image-calls.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const MIN = 60_000;

function instants(calls: ReturnType<typeof planImageCalls>): number[] {
  return [...calls].flatMap((call) =>
    Array.from({ length: call.imageCount }, (_, k) => call.startMs + k * call.samplingIntervalMs),
  );
}

describe('planImageCalls', () => {
  it('samples 30 minutes at 1 minute as 30 one-image calls (1 min is above the 20 s SamplingInterval maximum)', () => {
    const calls = [...planImageCalls({ startMs: T0, endMs: T0 + 30 * MIN }, { everyMs: MIN })];
    expect(calls.every((c) => c.endMs - c.startMs <= 300_000)).toBe(true);
    expect(calls.every((c) => c.samplingIntervalMs === 20_000 && c.endMs === c.startMs + 1)).toBe(true);
    expect(calls.map((c) => c.imageCount)).toEqual(Array.from({ length: 30 }, () => 1));
    expect(instants(planImageCalls({ startMs: T0, endMs: T0 + 30 * MIN }, { everyMs: MIN }))).toEqual(
      Array.from({ length: 30 }, (_, k) => T0 + k * MIN),
    );
  });

  it('batches 10 s samples 30 to a call: 300 s apart from the first to one past the last', () => {
    const calls = [...planImageCalls({ startMs: T0, endMs: T0 + 30 * MIN }, { everyMs: 10_000 })];
    expect(calls.map((c) => c.imageCount)).toEqual([30, 30, 30, 30, 30, 30]);
    expect(calls[0]).toEqual({ startMs: T0, endMs: T0 + 290_001, samplingIntervalMs: 10_000, imageCount: 30 });
    expect(calls.every((c) => c.endMs - c.startMs <= 300_000)).toBe(true);
  });

  it('fits 1500 samples of 200 ms into one 300 s call and never spans more', () => {
    const calls = [...planImageCalls({ startMs: T0, endMs: T0 + 3_600_000 }, { everyMs: 200 })];
    expect(calls[0]).toEqual({ startMs: T0, endMs: T0 + 299_801, samplingIntervalMs: 200, imageCount: 1500 });
    expect(calls).toHaveLength(12);
    expect(calls.reduce((n, c) => n + c.imageCount, 0)).toBe(18_000);
  });

  it('plans one call per instant when the interval is above the 20 s SamplingInterval maximum (a day at 10 min)', () => {
    const calls = [...planImageCalls({ startMs: T0, endMs: T0 + 86_400_000 }, { everyMs: 10 * MIN })];
    expect(calls).toHaveLength(144);
    expect(calls[1]).toEqual({
      startMs: T0 + 10 * MIN,
      endMs: T0 + 10 * MIN + 1,
      samplingIntervalMs: 20_000,
      imageCount: 1,
    });
  });

  it('keeps the last instant inside a window that is not a whole number of intervals', () => {
    expect(instants(planImageCalls({ startMs: T0, endMs: T0 + 2_500 }, { everyMs: 1_000 }))).toEqual([
      T0,
      T0 + 1_000,
      T0 + 2_000,
    ]);
  });

  it('plans nothing for an empty window', () => {
    expect([...planImageCalls({ startMs: T0, endMs: T0 }, { everyMs: 1_000 })]).toEqual([]);
  });

  it('rejects an interval below 200 ms with E_USAGE', () => {
    expect(() => [...planImageCalls({ startMs: T0, endMs: T0 + MIN }, { everyMs: 100 })]).toThrow(
      expect.objectContaining({ code: 'E_USAGE', exitCode: 2 }),
    );
  });
});

describe('defaultEveryMs', () => {
  it('chooses the finest readable step giving at most 60 tiles', () => {
    expect(defaultEveryMs({ startMs: T0, endMs: T0 + 30 * MIN })).toBe(30_000);
    expect(defaultEveryMs({ startMs: T0, endMs: T0 + 60 * MIN })).toBe(MIN);
    expect(defaultEveryMs({ startMs: T0, endMs: T0 + 86_400_000 })).toBe(30 * MIN);
    expect(defaultEveryMs({ startMs: T0, endMs: T0 + 5_000 })).toBe(200);
  });
});
