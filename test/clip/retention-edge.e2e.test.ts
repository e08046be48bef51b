import { afterAll, beforeAll, describe, expect } from 'vitest';
import { itMedia, packetHashes } from '../support/ffmpeg.js';
import type { GetEvent } from '../../src/download/events.js';
import { CancelledError } from '../../src/errors/cancelled-error.js';
import { UsageError } from '../../src/errors/usage-error.js';
import { unpackNumbers } from '../../src/plan/fragment-numbers.js';
import { plannedFragments, startHarness, type Harness } from './get-harness.js';

// A stream whose retention edge moves with the clock: fragments age out at the head of the window while a get runs.
const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

let h: Harness;
let NOW: number;

beforeAll(async () => {
  NOW = Math.floor(Date.now() / 1000) * 1000;
  h = await startHarness(
    {
      auth: false,
      streams: [
        {
          name: 'edge',
          source: { preset: 'h264' },
          fragmentSeconds: 2,
          spanMs: 30 * MIN,
          endMs: NOW,
          retentionHours: 10 / 60,
        },
      ],
    },
    NOW,
  );
});

afterAll(async () => {
  await h.close();
});

/** Every fragment number the emulator still holds in [startMs, endMs), at the harness clock's now. */
function retained(startMs: number, endMs: number): Set<string> {
  return new Set(h.emulator.fragments('edge', { startMs, endMs }).map((f) => f.fragmentNumber));
}

/** The fragment numbers of the run's first plan, in order. */
function firstPlan(events: readonly GetEvent[]): string[] {
  const plan = events.find((e) => e.type === 'plan');
  return plan?.type === 'plan' ? plan.plan.parts.flatMap((p) => unpackNumbers(p.fragmentNumbers)) : [];
}

describe('get at the retention edge', () => {
  itMedia(
    'fragments that age out between listing and GetClip are reported as lost, never fetched twice or mislabelled',
    async () => {
      // The window starts before the retention (clamped to its edge); part 1 starts at the edge.
      const time = { since: iso(NOW - 12 * MIN), until: iso(NOW - 3 * MIN) };
      let advanced = false;
      const { result, error, events } = await h.run(
        { stream: 'edge', output: 'edge.mp4', pacing: false, time },
        {
          // The first GetClip leaves 5 s after the listing: the part's first fragments are gone by then.
          onEvent: (event) => {
            if (event.type === 'part-start' && !advanced) {
              advanced = true;
              h.clock.advance(5_000);
            }
          },
        },
      );
      expect(error).toBeUndefined();
      if (result === undefined) return;
      const got = plannedFragments(result);
      expect(new Set(got).size).toBe(got.length);
      // Exactly the planned fragments the emulator still holds, in order: the aged-out head is all that is missing.
      const still = retained(NOW - 15 * MIN, NOW);
      const planned = firstPlan(events);
      const kept = planned.filter((n) => still.has(n));
      expect(kept.length).toBeLessThan(planned.length - 1);
      expect(got).toEqual(kept);
      const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.code] : []));
      expect(warnings).toContain('part-aged-out');
      expect(warnings).not.toContain('part-truncated');
      const gap = events.find((e) => e.type === 'gap');
      expect(gap?.type === 'gap' && gap.message).toMatch(/Part 1: \d+ fragments aged out of the stream's retention/);
      const reference = await h.reference('edge', kept, 'edge-reference.mp4');
      expect(await packetHashes(`${h.dir}/edge.mp4`, 'v')).toEqual(await packetHashes(reference, 'v'));
    },
  );

  itMedia('a resume whose first fragments aged out since the interrupted run says so, exit 2', async () => {
    const time = { since: iso(h.clock.now() - 12 * MIN), until: iso(h.clock.now() - 3 * MIN) };
    const controller = new AbortController();
    const first = await h.run(
      { stream: 'edge', output: 'resumed.mp4', pacing: false, time, limits: { maxFragments: 50 } },
      {
        signal: controller.signal,
        onEvent: (event) => event.type === 'part-done' && controller.abort(new CancelledError('SIGINT')),
      },
    );
    expect(first.error).toBeInstanceOf(CancelledError);
    h.clock.advance(MIN);
    const second = await h.run({ stream: 'edge', output: 'resumed.mp4', pacing: false, time });
    expect(second.error).toBeInstanceOf(UsageError);
    expect(String((second.error as Error).message)).toMatch(
      /Cannot resume from .*resumed\.mp4\.kvsclip\.json: the fragments its part 1 starts with are no longer listed \(aged out of the stream's retention since the interrupted run\)/,
    );
    expect((second.error as UsageError).exitCode).toBe(2);
  });
});
