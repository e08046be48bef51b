import { stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/errors/not-found-error.js';
import { OutputError } from '../../src/errors/output-error.js';
import { IncompleteError } from '../../src/errors/incomplete-error.js';
import { itMedia, packetHashes } from '../support/ffmpeg.js';
import { HOUR, plannedFragments, startHarness, type Harness } from './get-harness.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const MIN = 60_000;

let h: Harness;
let NOW: number;
let END: number;

beforeAll(async () => {
  NOW = Math.floor(Date.now() / 1000) * 1000;
  END = NOW - MIN;
  h = await startHarness(
    {
      streams: [
        { name: 'fast', source: { preset: 'h264' }, fragmentSeconds: 1, spanMs: 20 * MIN, endMs: END },
        {
          name: 'skewed',
          source: { preset: 'h264' },
          fragmentSeconds: 1,
          spanMs: 10 * MIN,
          endMs: END,
          skewMs: 11_000,
          jitterMs: 300,
        },
        {
          name: 'gappy',
          source: { preset: 'h264' },
          fragmentSeconds: 2,
          spanMs: 10 * MIN,
          endMs: END,
          gaps: [{ from: { atMs: END - 6 * MIN }, to: { atMs: END - 5 * MIN } }],
        },
        {
          name: 'cpd',
          source: { preset: 'h264' },
          fragmentSeconds: 2,
          spanMs: 4 * MIN,
          endMs: END,
          cpdChanges: [{ atMs: END - 2 * MIN - 500 }],
        },
        { name: 'long', source: { preset: 'h264' }, fragmentSeconds: 10, spanMs: 31 * HOUR, endMs: END },
        { name: 'fat', source: { preset: 'h264' }, fragmentSeconds: 2, spanMs: 5 * MIN, endMs: END, bitrate: 8 },
      ],
      caps: { maxBytes: 2_000_000 },
    },
    NOW,
  );
});

afterAll(async () => {
  await h.close();
});

describe('get scenarios against the emulator', () => {
  itMedia('binds the 200-fragment cap with 1 s fragments: every part ≤ 200 fragments, packets identical', async () => {
    const { result, error } = await h.run({
      stream: 'fast',
      time: { since: iso(END - 15 * MIN), until: iso(END) },
      output: 'fast.mp4',
    });
    expect(error).toBeUndefined();
    if (result === undefined) return;
    expect(result.parts.length).toBeGreaterThanOrEqual(5);
    expect(result.parts.every((p) => p.part.fragmentCount <= 200)).toBe(true);
    expect(result.parts.filter((p) => p.part.fragmentCount === 200).length).toBeGreaterThanOrEqual(4);
    const reference = await h.reference('fast', plannedFragments(result), 'fast-ref.mp4');
    expect(await packetHashes(result.output ?? '', 'v')).toEqual(await packetHashes(reference, 'v'));
  });

  itMedia(
    'keeps parts under a byte cap with a bitrate multiplier (emulator cap lowered to 2 MB), packets identical',
    async () => {
      h.emulator.log.clear();
      const { result, error, events } = await h.run({
        stream: 'fat',
        time: { since: iso(END - 4 * MIN), until: iso(END) },
        output: 'fat.mp4',
        limits: { maxBytes: 1_900_000 },
      });
      expect(error).toBeUndefined();
      if (result === undefined) return;
      const served = h.emulator.log.ofOp('GetClip').filter((c) => c.status === 200);
      expect(served.length).toBe(result.parts.length);
      expect(result.parts.length).toBeGreaterThan(2);
      expect(result.parts.every((p) => p.part.sizeBytes <= 1_900_000)).toBe(true);
      expect(events.filter((e) => e.type === 'warning')).toEqual([]);
      const reference = await h.reference('fat', plannedFragments(result), 'fat-ref.mp4');
      expect(await packetHashes(result.output ?? '', 'v')).toEqual(await packetHashes(reference, 'v'));
    },
  );

  itMedia(
    'detects a silently truncated clip (cap below the plan) and re-plans the rest, packets identical',
    async () => {
      h.emulator.log.clear();
      const { result, error, events } = await h.run({
        stream: 'fat',
        time: { since: iso(END - 4 * MIN), until: iso(END) },
        output: 'fat-trunc.mp4',
      });
      expect(error).toBeUndefined();
      if (result === undefined) return;
      const warnings = events.filter((e) => e.type === 'warning' && e.code === 'part-truncated');
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      // One truncated call, then the re-cut parts; later parts are cut the same way before they are requested.
      // (Throttled calls are not counted: the previous test's calls may still fill the emulator's quota window.)
      const served = h.emulator.log.ofOp('GetClip').filter((c) => c.status === 200);
      expect(served.length).toBe(result.parts.length + warnings.length);
      const reference = await h.reference('fat', plannedFragments(result), 'fat-trunc-ref.mp4');
      expect(await packetHashes(result.output ?? '', 'v')).toEqual(await packetHashes(reference, 'v'));
    },
  );

  it('plans a 30 h range across the 24 h GetClip limit in a dry run', async () => {
    h.emulator.log.clear();
    const window = { since: iso(END - 30 * HOUR), until: iso(END) };
    const { result, error } = await h.run({ stream: 'long', time: window, dryRun: true });
    expect(error).toBeUndefined();
    expect(result?.fragments).toBeGreaterThanOrEqual(30 * 360);
    expect(result?.parts.every((p) => p.part.endMs - p.part.startMs <= 24 * HOUR)).toBe(true);
    const wide = await h.run({
      stream: 'long',
      time: window,
      dryRun: true,
      limits: { maxFragments: 100_000, maxBytes: 1e12 },
    });
    expect(wide.result?.parts).toHaveLength(2);
    expect(wide.result?.parts.map((p) => p.part.endMs - p.part.startMs <= 24 * HOUR)).toEqual([true, true]);
    expect(h.emulator.log.ofOp('GetClip')).toHaveLength(0);
  });

  it('selects different fragments by producer and server timestamps on a skewed stream', async () => {
    const window = { since: iso(END - 5 * MIN), until: iso(END - 4 * MIN) };
    const server = await h.run({ stream: 'skewed', time: window, dryRun: true, selector: 'server', align: 'inside' });
    const producer = await h.run({
      stream: 'skewed',
      time: window,
      dryRun: true,
      selector: 'producer',
      align: 'inside',
    });
    const s = server.result === undefined ? [] : plannedFragments(server.result);
    const p = producer.result === undefined ? [] : plannedFragments(producer.result);
    expect(s.length).toBeGreaterThan(50);
    expect(p.length).toBeGreaterThan(50);
    // Server time runs 11 s ahead of producer time: the producer window holds fragments ingested ~11 s later.
    const sSet = new Set(s);
    const onlyProducer = p.filter((n) => !sSet.has(n));
    expect(onlyProducer.length).toBeGreaterThanOrEqual(9);
    expect(onlyProducer.length).toBeLessThanOrEqual(13);
    expect(BigInt(p[0] ?? '0')).toBeGreaterThan(BigInt(s[0] ?? '0'));
  });

  itMedia('reports a gap as an event and in the result, and --fail-on-gap exits 8 after writing', async () => {
    const run = await h.run({
      stream: 'gappy',
      time: { since: iso(END - 9 * MIN), until: iso(END - MIN) },
      output: 'gappy.mp4',
      failOnGap: true,
    });
    expect(run.error).toBeInstanceOf(IncompleteError);
    expect(run.error).toMatchObject({ code: 'E_GAPS', exitCode: 8 });
    const gaps = run.events.filter((e) => e.type === 'gap');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ durationMs: expect.any(Number) as number });
    const gap = gaps[0];
    if (gap?.type === 'gap') {
      expect(gap.startMs).toBeGreaterThanOrEqual(END - 6 * MIN - 3000);
      expect(gap.endMs).toBeLessThanOrEqual(END - 5 * MIN + 3000);
    }
    const summary = run.events.find((e) => e.type === 'summary');
    expect(summary).toMatchObject({ gaps: 1, output: `${h.dir}/gappy.mp4` });
  });

  itMedia('bisects a part GetClip rejects for a codec change inside it, and joins both configurations', async () => {
    h.emulator.log.clear();
    const { result, error, events } = await h.run({
      stream: 'cpd',
      time: { since: iso(END - 4 * MIN), until: iso(END) },
      output: 'cpd.mp4',
    });
    expect(error).toBeUndefined();
    if (result === undefined) return;
    expect(events.some((e) => e.type === 'warning' && e.code === 'part-bisected')).toBe(true);
    const rejected = h.emulator.log.ofOp('GetClip').filter((c) => c.status !== 200);
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(rejected.every((c) => c.errorType === 'InvalidCodecPrivateDataException')).toBe(true);
    // Each part holds one configuration, so the reference is built part by part and concatenated.
    const expected: string[] = [];
    for (const [i, entry] of result.parts.entries()) {
      expected.push(
        ...(await packetHashes(await h.reference('cpd', entry.part.fragmentNumbers, `cpd-ref-${i}.mp4`), 'v')),
      );
    }
    expect(await packetHashes(result.output ?? '', 'v')).toEqual(expected);
  });

  it('fails with E_NO_MEDIA and writes nothing for a window without fragments', async () => {
    const { error } = await h.run({
      stream: 'gappy',
      time: { since: iso(END - 5 * MIN - 50_000), until: iso(END - 5 * MIN - 20_000) },
      output: 'none.mp4',
      align: 'inside',
    });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'E_NO_MEDIA', exitCode: 3 });
    await expect(stat(`${h.dir}/none.mp4`)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(`${h.dir}/none.mp4.part`)).rejects.toMatchObject({ code: 'ENOENT' });
    const dry = await h.run({
      stream: 'gappy',
      time: { since: iso(END - 5 * MIN - 50_000), until: iso(END - 5 * MIN - 20_000) },
      dryRun: true,
      align: 'inside',
    });
    expect(dry.error).toMatchObject({ code: 'E_NO_MEDIA', exitCode: 3 });
  });

  it('fails with E_STREAM_NOT_FOUND for an unknown stream', async () => {
    const { error } = await h.run({
      stream: 'nope',
      time: { since: iso(END - 5 * MIN), until: iso(END) },
      output: 'nope.mp4',
    });
    expect(error).toMatchObject({ code: 'E_STREAM_NOT_FOUND', exitCode: 3 });
  });

  it('refuses an existing output (exit 7), and --skip-existing makes the rerun a no-op', async () => {
    const window = { since: iso(END - 2 * MIN), until: iso(END - MIN) };
    const first = await h.run({ stream: 'fast', time: window, output: 'again.mp4' });
    expect(first.error).toBeUndefined();
    const second = await h.run({ stream: 'fast', time: window, output: 'again.mp4' });
    expect(second.error).toBeInstanceOf(OutputError);
    expect(second.error).toMatchObject({ code: 'E_OUTPUT_EXISTS', exitCode: 7 });
    h.emulator.log.clear();
    const third = await h.run({ stream: 'fast', time: window, output: 'again.mp4', skipExisting: true });
    expect(third.result?.skipped).toBe(true);
    expect(h.emulator.log.ofOp('GetClip')).toHaveLength(0);
  });

  it('reports a window entirely before the retention as no media (exit 3), a reversed range as a usage error', async () => {
    const old = await h.run({ stream: 'fast', time: { since: iso(END - 300 * HOUR), until: iso(END - 200 * HOUR) } });
    expect(old.error).toMatchObject({ code: 'E_NO_MEDIA', exitCode: 3 });
    const reversed = await h.run({ stream: 'fast', time: { since: iso(END), until: iso(END - MIN) } });
    expect(reversed.error).toMatchObject({ code: 'E_TIME_RANGE', exitCode: 2 });
  });
});
