import { describe, expect, it } from 'vitest';
import { budgetedPort } from '../../src/archive/budgeted-port.js';
import { createFleetBudget } from '../../src/archive/fleet-budget.js';
import type { KvsPort } from '../../src/clip/kvs-port.js';

/** A virtual clock: sleep(ms) resolves once the test has advanced time past its deadline. */
function virtualClock() {
  let now = 0;
  const timers: { at: number; wake: () => void }[] = [];
  return {
    nowMs: () => now,
    sleep: (ms: number) => new Promise<void>((wake) => timers.push({ at: now + ms, wake })),
    async advanceTo(ms: number) {
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (next === undefined || next.at > ms) break;
        timers.shift();
        now = next.at;
        next.wake();
      }
      now = ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** A KVS port whose GetClip runs the caller's beforeSend, records the send time and answers at once. */
function recordingPort(clock: { nowMs: () => number }, sent: number[]): KvsPort {
  return {
    getClip: async (_range, options) => {
      await options.beforeSend();
      sent.push(clock.nowMs());
      return { requestId: undefined, sizeBytes: 0 };
    },
  } as Partial<KvsPort> as KvsPort;
}

const range = { startMs: 0, endMs: 1 };
const signal = new AbortController().signal;

describe('budgetedPort', () => {
  it('keeps a stream’s calls as far apart as its pacer planned when a wait for a slot delays the first one', async () => {
    const clock = virtualClock();
    const budget = createFleetBudget(1);
    // Another stream holds the only slot until t = 500.
    const other = await budget.acquire('other');
    const sent: number[] = [];
    const port = budgetedPort(recordingPort(clock, sent), budget, 'cam', clock);
    // The stream's pacer planned its calls at t = 0 and t = 1025 (one per 1.025 s).
    const pacedAt = (at: number) => () => (clock.nowMs() >= at ? Promise.resolve() : clock.sleep(at - clock.nowMs()));
    const first = port.getClip(range, {
      selector: 'server',
      beforeSend: pacedAt(0),
      destPath: '',
      signal,
      onBytes: () => {},
    } as never);
    const second = port.getClip(range, {
      selector: 'server',
      beforeSend: pacedAt(1025),
      destPath: '',
      signal,
      onBytes: () => {},
    } as never);
    await clock.advanceTo(500);
    other();
    await clock.advanceTo(3000);
    await Promise.all([first, second]);
    // The first left 500 ms late; the second keeps its 1025 ms distance instead of following 525 ms after it.
    expect(sent).toEqual([500, 1525]);
    expect(budget.inFlight()).toBe(0);
  });

  it('sends a call as soon as its pacing ends when the stream’s previous call left long ago', async () => {
    const clock = virtualClock();
    const budget = createFleetBudget(2);
    const sent: number[] = [];
    const port = budgetedPort(recordingPort(clock, sent), budget, 'cam', clock);
    const now = () => Promise.resolve();
    await port.getClip(range, {
      selector: 'server',
      beforeSend: now,
      destPath: '',
      signal,
      onBytes: () => {},
    } as never);
    await clock.advanceTo(5000);
    await port.getClip(range, {
      selector: 'server',
      beforeSend: now,
      destPath: '',
      signal,
      onBytes: () => {},
    } as never);
    expect(sent).toEqual([0, 5000]);
  });
});
