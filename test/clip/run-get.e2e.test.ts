import { stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packetHashes, itMedia } from '../support/ffmpeg.js';
import { HOUR, plannedFragments, startHarness, type Harness } from './get-harness.js';

const iso = (ms: number): string => new Date(ms).toISOString();

let h: Harness;
let NOW: number;

beforeAll(async () => {
  NOW = Math.floor(Date.now() / 1000) * 1000;
  h = await startHarness(
    {
      streams: [
        { name: 'cam1', source: { preset: 'h264' }, fragmentSeconds: 2, spanMs: HOUR, endMs: NOW - 60_000 },
        { name: 'fast', source: { preset: 'h264' }, fragmentSeconds: 1, spanMs: 20 * 60_000, endMs: NOW - 60_000 },
      ],
    },
    NOW,
  );
});

afterAll(async () => {
  await h.close();
});

describe('runGet against the emulator', () => {
  it('plans a dry run without calling GetClip', async () => {
    h.emulator.log.clear();
    const { result, error, events } = await h.run({
      stream: 'cam1',
      time: { since: iso(NOW - HOUR), until: iso(NOW - 120_000) },
      dryRun: true,
    });
    expect(error).toBeUndefined();
    expect(result?.dryRun).toBe(true);
    expect(result?.parts.length).toBeGreaterThan(5);
    expect(result?.output).toBeNull();
    expect(h.emulator.log.ofOp('GetClip')).toHaveLength(0);
    // The listing announces its pages (terminal feedback), then the plan.
    const types = events.map((e) => e.type);
    expect(types.filter((type) => type !== 'list-page')).toEqual(['window', 'plan']);
    expect(types.slice(1, -1).every((type) => type === 'list-page') && types.length > 2).toBe(true);
  });

  itMedia(
    'downloads one hour of 2 s fragments in several GetClip calls, packets identical to the planned fragments',
    async () => {
      h.emulator.log.clear();
      const { result, error, events } = await h.run({
        stream: 'cam1',
        time: { since: iso(NOW - HOUR), until: iso(NOW - 120_000) },
        output: 'cam1.mp4',
      });
      expect(error).toBeUndefined();
      if (result === undefined) return;
      expect(result.output).toBe(`${h.dir}/cam1.mp4`);
      const clips = h.emulator.log.ofOp('GetClip');
      expect(clips.length).toBe(result.parts.length);
      expect(clips.length).toBeGreaterThan(5);
      expect(clips.every((entry) => entry.status === 200)).toBe(true);
      // Paced: never two GetClip calls within one second of each other.
      for (let i = 1; i < clips.length; i++)
        expect((clips[i]?.at ?? 0) - (clips[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
      const reference = await h.reference('cam1', plannedFragments(result), 'cam1-ref.mp4');
      expect(await packetHashes(result.output ?? '', 'v')).toEqual(await packetHashes(reference, 'v'));
      expect((await stat(result.output ?? '')).size).toBe(result.bytes);
      expect(events.filter((e) => e.type === 'part-done')).toHaveLength(result.parts.length);
      expect(events.at(-1)?.type).toBe('summary');
    },
  );
});
