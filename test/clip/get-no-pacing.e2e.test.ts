import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './get-harness.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const MIN = 60_000;

let h: Harness;
let END: number;

beforeAll(async () => {
  const now = Math.floor(Date.now() / 1000) * 1000;
  END = now - MIN;
  // The emulator's quotas are ON (1 GetClip per second per stream): an unpaced run must hit them.
  h = await startHarness(
    {
      streams: [
        { name: 'cam', source: { preset: 'h264' }, fragmentSeconds: 1, spanMs: 10 * MIN, endMs: END },
        { name: 'listy', source: { preset: 'h264' }, fragmentSeconds: 1, spanMs: 10 * MIN, endMs: END },
      ],
      faults: [
        {
          op: 'ListFragments',
          stream: 'listy',
          nth: 1,
          action: { kind: 'error', name: 'ClientLimitExceededException' },
        },
      ],
    },
    now,
  );
});

afterAll(async () => {
  await h.close();
});

describe('get --no-pacing', () => {
  it('sends the first GetClip calls without waiting, and after the first throttle paces at the quota and still succeeds', async () => {
    h.emulator.log.clear();
    const { result, error, events } = await h.run({
      stream: 'cam',
      time: { since: iso(END - 4 * MIN), until: iso(END) },
      output: 'unpaced.mp4',
      pacing: false,
      concurrency: 4,
      limits: { maxFragments: 30 },
    });
    expect(error).toBeUndefined();
    expect(result?.parts.length).toBeGreaterThanOrEqual(8);
    const calls = h.emulator.log.ofOp('GetClip');
    const throttled = calls.filter((c) => c.errorType === 'ClientLimitExceededException');
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    expect(events.some((e) => e.type === 'retry' && e.op === 'GetClip' && e.errorClass === 'throttle')).toBe(true);
    // Unpaced: the first two calls arrive at the same (virtual) instant, which a paced run never does.
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBe(0);
    // Once throttled, the run paces: the served calls after the first throttle are ≥ 1/0.8 s apart.
    const firstThrottle = throttled[0]?.seq ?? 0;
    const servedAfter = calls.filter((c) => c.status === 200 && c.seq > firstThrottle).map((c) => c.at);
    expect(servedAfter.length).toBeGreaterThanOrEqual(4);
    const gaps = servedAfter.slice(1).map((at, i) => at - (servedAfter[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
    expect(calls.filter((c) => c.status === 200)).toHaveLength(result?.parts.length ?? -1);
  });

  it('paces from the first call without the flag, so the quota is never hit', async () => {
    // Let the previous run's calls leave the emulator's quota window first.
    h.clock.advance(10_000);
    h.emulator.log.clear();
    const { error } = await h.run({
      stream: 'cam',
      time: { since: iso(END - 4 * MIN), until: iso(END) },
      output: 'paced.mp4',
      concurrency: 4,
      limits: { maxFragments: 30 },
    });
    expect(error).toBeUndefined();
    expect(h.emulator.log.ofOp('GetClip').filter((c) => c.status !== 200)).toEqual([]);
  });

  it('turns pacing on when the listing is throttled, so the GetClip calls after it never hit the quota', async () => {
    h.clock.advance(10_000);
    h.emulator.log.clear();
    const { result, error, events } = await h.run({
      stream: 'listy',
      time: { since: iso(END - 4 * MIN), until: iso(END) },
      output: 'listy.mp4',
      pacing: false,
      concurrency: 4,
      limits: { maxFragments: 30 },
    });
    expect(error).toBeUndefined();
    expect(events.some((e) => e.type === 'retry' && e.op === 'ListFragments' && e.errorClass === 'throttle')).toBe(
      true,
    );
    const calls = h.emulator.log.ofOp('GetClip');
    expect(calls.length).toBe(result?.parts.length);
    expect(calls.every((c) => c.status === 200)).toBe(true);
  });
});
