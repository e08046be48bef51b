import { readdir, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { itMedia, packetHashes } from '../support/ffmpeg.js';
import { startHarness, type Harness } from './get-harness.js';

const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

let h: Harness;
let END: number;

beforeAll(async () => {
  const now = Math.floor(Date.now() / 1000) * 1000;
  END = now - MIN;
  h = await startHarness(
    {
      streams: [{ name: 'locked', source: { preset: 'h264' }, fragmentSeconds: 2, spanMs: 30 * MIN, endMs: END }],
      faults: [{ op: 'ListFragments', action: { kind: 'error', name: 'NotAuthorizedException' } }],
    },
    now,
  );
});

afterAll(async () => {
  await h.close();
});

describe('get when ListFragments is denied', () => {
  itMedia('falls back to time windows with a warning and still writes every fragment of the window once', async () => {
    const startMs = END - 10 * MIN;
    const endMs = END - MIN;
    const { result, error, events } = await h.run({
      stream: 'locked',
      time: { since: iso(startMs), until: iso(endMs) },
      output: 'locked.mp4',
    });
    expect(error).toBeUndefined();
    expect(events.some((e) => e.type === 'warning' && e.code === 'list-fallback')).toBe(true);
    expect(h.emulator.log.ofOp('GetClip').filter((c) => c.status === 200).length).toBeGreaterThanOrEqual(3);
    const stream = h.emulator.streams.get('locked');
    const numbers: string[] = [];
    for (let slot = 0; stream !== undefined && slot < stream.slotCount; slot++) {
      const fragment = stream.fragmentAt(slot);
      if (fragment !== undefined && fragment.serverMs >= startMs && fragment.serverMs <= endMs)
        numbers.push(fragment.fragmentNumber);
    }
    const reference = await h.reference('locked', numbers, 'locked-ref.mp4');
    expect(await packetHashes(result?.output ?? '', 'v')).toEqual(await packetHashes(reference, 'v'));
    expect((await stat(result?.output ?? '')).mode & 0o777).toBe(0o666 & ~process.umask());
    expect((await readdir(h.dir)).filter((name) => name.startsWith('locked.mp4.'))).toEqual([]);
  });
});
