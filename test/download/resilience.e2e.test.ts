import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPACING_POLICY } from '../../src/download/learned-spacing.js';
import { CancelledError } from '../../src/errors/cancelled-error.js';
import { RemoteError } from '../../src/errors/remote-error.js';
import { itMedia, packetHashes } from '../support/ffmpeg.js';
import { HOUR, plannedFragments, startHarness, type Harness } from '../clip/get-harness.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const MIN = 60_000;
const sha256 = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
const startOf = (body: unknown): number => {
  const range = (body as { ClipFragmentSelector?: { TimestampRange?: { StartTimestamp?: number } } })
    .ClipFragmentSelector?.TimestampRange;
  return Math.round((range?.StartTimestamp ?? 0) * 1000);
};

let NOW: number;
let END: number;

describe('throttling', () => {
  let h: Harness;
  beforeAll(async () => {
    NOW = Math.floor(Date.now() / 1000) * 1000;
    END = NOW - MIN;
    h = await startHarness(
      {
        // Backoff moves the virtual clock minutes ahead of the SDK's signing clock: skip SigV4 here.
        auth: false,
        streams: [{ name: 'busy', source: { preset: 'h264' }, fragmentSeconds: 1, spanMs: 20 * MIN, endMs: END }],
        faults: [{ op: 'GetClip', fraction: 0.6, action: { kind: 'error', name: 'ClientLimitExceededException' } }],
      },
      NOW,
    );
  });
  afterAll(async () => {
    await h.close();
  });

  itMedia('succeeds when most GetClip calls are throttled, with paced backoff and no quota violation', async () => {
    const { result, error, events } = await h.run({
      stream: 'busy',
      time: { since: iso(END - 15 * MIN), until: iso(END) },
      output: 'busy.mp4',
    });
    expect(error).toBeUndefined();
    if (result === undefined) return;
    const calls = h.emulator.log.ofOp('GetClip');
    const throttled = calls.filter((c) => c.status !== 200);
    expect(throttled.length).toBeGreaterThanOrEqual(3);
    // Every rejection came from the injected fault: the pacing itself never exceeded the emulator's quotas.
    expect(throttled.every((c) => c.fault !== undefined)).toBe(true);
    expect(calls.filter((c) => c.status === 200)).toHaveLength(result.parts.length);
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries).toHaveLength(throttled.length);
    expect(result.retries).toBe(throttled.length);
    expect(retries[0]?.type === 'retry' && retries[0].message).toMatch(
      /^GetClip part \d+\/\d+: ClientLimitExceededException\. Retrying in \d+\.\d s \(1\/8\)$/,
    );
    // Never two calls within one second; after the first throttle the spacing backs off (by most of a guard step; it creeps back 0.5 % per call).
    const firstThrottle = calls.findIndex((c) => c.status !== 200);
    for (let i = 1; i < calls.length; i++) {
      const gap = (calls[i]?.at ?? 0) - (calls[i - 1]?.at ?? 0);
      expect(gap).toBeGreaterThanOrEqual(i > firstThrottle ? 1000 + 0.9 * DEFAULT_SPACING_POLICY.stepGuardMs : 1000);
    }
    const reference = await h.reference('busy', plannedFragments(result), 'busy-ref.mp4');
    expect(await packetHashes(result.output ?? '', 'v')).toEqual(await packetHashes(reference, 'v'));
  });

  it('gives up after --retries with RemoteError E_THROTTLED (exit 5) and leaves no file under the final name', async () => {
    const { error } = await h.run({
      stream: 'busy',
      time: { since: iso(END - 2 * MIN), until: iso(END) },
      output: 'never.mp4',
      retries: 0,
    });
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'E_THROTTLED', exitCode: 5 });
    await expect(stat(`${h.dir}/never.mp4`)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('resume', () => {
  let h: Harness;
  beforeAll(async () => {
    NOW = Math.floor(Date.now() / 1000) * 1000;
    END = NOW - MIN;
    h = await startHarness(
      { streams: [{ name: 'cam', source: { preset: 'h264_aac' }, fragmentSeconds: 2, spanMs: HOUR, endMs: END }] },
      NOW,
    );
  });
  afterAll(async () => {
    await h.close();
  });

  it('resumes an aborted run from its manifest: identical bytes, finished parts not fetched again', async () => {
    const window = { since: iso(END - 50 * MIN), until: iso(END) };
    const clean = await h.run({ stream: 'cam', time: window, output: 'clean.mp4' });
    expect(clean.error).toBeUndefined();

    const controller = new AbortController();
    let done = 0;
    const first = await h.run(
      { stream: 'cam', time: window, output: 'resumed.mp4' },
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'part-done' && ++done === 3) controller.abort(new CancelledError('SIGINT'));
        },
      },
    );
    expect(first.error).toBeInstanceOf(CancelledError);
    await expect(stat(`${h.dir}/resumed.mp4`)).rejects.toMatchObject({ code: 'ENOENT' });
    const manifestPath = `${h.dir}/resumed.mp4.kvsclip.json`;
    expect((await stat(manifestPath)).mode & 0o777).toBe(0o600);
    expect((await stat(`${h.dir}/resumed.mp4.kvsclip.d`)).mode & 0o777).toBe(0o700);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
      parts: { status: string; part: { startMs: number } }[];
    };
    const finished = manifest.parts.filter((p) => p.status !== 'planned').map((p) => p.part.startMs);
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(await readFile(manifestPath, 'utf8')).not.toMatch(/AKID|secret/i);

    h.emulator.log.clear();
    const second = await h.run({ stream: 'cam', time: window, output: 'resumed.mp4' });
    expect(second.error).toBeUndefined();
    const refetched = h.emulator.log
      .ofOp('GetClip')
      .filter((c) => c.status === 200)
      .map((c) => startOf(c.body));
    expect(refetched.filter((start) => finished.includes(start))).toEqual([]);
    expect(refetched.length).toBe((second.result?.parts.length ?? 0) - finished.length);
    expect(await sha256(`${h.dir}/resumed.mp4`)).toBe(await sha256(`${h.dir}/clean.mp4`));
    const leftovers = (await readdir(h.dir)).filter((name) => name.startsWith('resumed.mp4.'));
    expect(leftovers).toEqual([]);
  });

  it('refuses a manifest of another window with a usage error hinting --no-continue, and --no-continue starts over', async () => {
    const controller = new AbortController();
    const first = await h.run(
      { stream: 'cam', time: { since: iso(END - 30 * MIN), until: iso(END) }, output: 'other.mp4' },
      {
        signal: controller.signal,
        onEvent: (event) => event.type === 'part-done' && controller.abort(new CancelledError('SIGINT')),
      },
    );
    expect(first.error).toBeInstanceOf(CancelledError);
    const mismatch = await h.run({
      stream: 'cam',
      time: { since: iso(END - 20 * MIN), until: iso(END) },
      output: 'other.mp4',
    });
    expect(mismatch.error).toMatchObject({ code: 'E_USAGE', exitCode: 2 });
    expect((mismatch.error as { hint?: string }).hint).toMatch(/--no-continue/);
    const fresh = await h.run({
      stream: 'cam',
      time: { since: iso(END - 20 * MIN), until: iso(END) },
      output: 'other.mp4',
      continue: false,
    });
    expect(fresh.error).toBeUndefined();
  });
});
