import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/usage-error.js';
import { itMedia, packetHashes } from '../support/ffmpeg.js';
import { plannedFragments, startHarness, type Harness } from './get-harness.js';
import { unpackNumbers } from '../../src/plan/fragment-numbers.js';

const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

let h: Harness;
let END: number;

beforeAll(async () => {
  const now = Math.floor(Date.now() / 1000) * 1000;
  END = now - MIN;
  h = await startHarness(
    {
      streams: [
        {
          name: 'gappy',
          source: { preset: 'h264' },
          fragmentSeconds: 2,
          spanMs: 10 * MIN,
          endMs: END,
          gaps: [
            { from: { atMs: END - 6 * MIN }, to: { atMs: END - 5 * MIN } },
            { from: { atMs: END - 3 * MIN }, to: { atMs: END - 2 * MIN - 30_000 } },
          ],
        },
      ],
    },
    now,
  );
});

afterAll(async () => {
  await h.close();
});

beforeEach(() => {
  h.emulator.log.clear();
});

const window = (): { since: string; until: string } => ({ since: iso(END - 8 * MIN), until: iso(END - MIN) });

describe('get --gaps split', () => {
  itMedia(
    'writes one file per continuous run of media, each with exactly the fragments of its run, all listed in outputs',
    async () => {
      const { result, error } = await h.run({
        stream: 'gappy',
        time: window(),
        output: 'runs/gappy_{index:02}.mp4',
        mkdir: true,
        gaps: 'split',
      });
      expect(error).toBeUndefined();
      if (result === undefined) return;
      expect(result.gaps).toHaveLength(2);
      expect(result.outputs).toEqual([1, 2, 3].map((n) => `${h.dir}/runs/gappy_0${n}.mp4`));
      expect(result.output).toBeNull();
      for (const [index, output] of result.outputs.entries()) {
        const fragments = result.parts
          .filter((entry) => entry.output === output)
          .flatMap((entry) => unpackNumbers(entry.part.fragmentNumbers));
        expect(fragments.length).toBeGreaterThan(0);
        const reference = await h.reference('gappy', fragments, `run-ref-${index}.mp4`);
        expect(await packetHashes(output, 'v')).toEqual(await packetHashes(reference, 'v'));
      }
      const all = plannedFragments(result);
      expect(new Set(all).size).toBe(all.length);
    },
  );

  it('names runs by their own start with {start}, and refuses to overwrite any of them before a GetClip', async () => {
    const options = {
      stream: 'gappy',
      time: window(),
      output: 'starts/{start:%H%M%S}.mp4',
      mkdir: true,
      gaps: 'split',
    } as const;
    const first = await h.run(options);
    expect(first.error).toBeUndefined();
    expect(new Set(first.result?.outputs).size).toBe(3);
    for (const output of first.result?.outputs ?? []) expect((await stat(output)).size).toBeGreaterThan(0);
    h.emulator.log.clear();
    const second = await h.run(options);
    expect(second.error).toMatchObject({ code: 'E_OUTPUT_EXISTS', exitCode: 7 });
    expect(h.emulator.log.ofOp('GetClip')).toHaveLength(0);
    const third = await h.run({ ...options, skipExisting: true });
    expect(third.result).toMatchObject({ skipped: true, calls: 0 });
    expect(third.result?.outputs).toEqual(first.result?.outputs);
  });

  it('finishes an interrupted run with --skip-existing: written files skipped, the cut file resumed from its manifest', async () => {
    const options = {
      stream: 'gappy',
      time: window(),
      output: 'cut/g_{index}.mp4',
      mkdir: true,
      gaps: 'split',
      concurrency: 1,
      limits: { maxFragments: 20 },
    } as const;
    const controller = new AbortController();
    const cut = await h.run(options, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'part-done' && existsSync(`${h.dir}/cut/g_1.mp4`)) controller.abort(new Error('stop'));
      },
    });
    expect(cut.error).toMatchObject({ code: 'E_CANCELLED' });
    expect(existsSync(`${h.dir}/cut/g_2.mp4`)).toBe(false);
    expect(existsSync(`${h.dir}/cut/g_2.mp4.kvsclip.json`)).toBe(true);
    h.emulator.log.clear();
    const rerun = await h.run({ ...options, skipExisting: true });
    expect(rerun.error).toBeUndefined();
    expect(rerun.result?.outputs).toEqual([1, 2, 3].map((n) => `${h.dir}/cut/g_${n}.mp4`));
    expect(rerun.result?.parts.some((entry) => entry.resumed === true)).toBe(true);
    expect(rerun.result?.parts.some((entry) => entry.output === `${h.dir}/cut/g_1.mp4`)).toBe(false);
    const clean = await h.run({ ...options, output: 'clean/g_{index}.mp4' });
    for (const n of [1, 2, 3]) {
      expect((await readFile(`${h.dir}/cut/g_${n}.mp4`)).equals(await readFile(`${h.dir}/clean/g_${n}.mp4`))).toBe(
        true,
      );
    }
    expect(clean.error).toBeUndefined();
  });

  it('does not start the next run once cancelled between runs', async () => {
    const controller = new AbortController();
    const { error } = await h.run(
      { stream: 'gappy', time: window(), output: 'between/g_{index}.mp4', mkdir: true, gaps: 'split', concurrency: 1 },
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'summary' || (event.type === 'part-done' && existsSync(`${h.dir}/between/g_1.mp4`)))
            controller.abort(new Error('stop'));
        },
      },
    );
    expect(error).toMatchObject({ code: 'E_CANCELLED' });
    expect(existsSync(`${h.dir}/between/g_3.mp4`)).toBe(false);
    expect(existsSync(`${h.dir}/between/g_3.mp4.kvsclip.d`)).toBe(false);
  });

  it('runs --exec once for each file it wrote', async () => {
    const { result, error } = await h.run({
      stream: 'gappy',
      time: window(),
      output: 'hooked/g_{index}.mp4',
      mkdir: true,
      gaps: 'split',
      exec: 'cp {} {}.copy',
    });
    expect(error).toBeUndefined();
    expect(result?.outputs).toHaveLength(3);
    for (const output of result?.outputs ?? [])
      expect((await stat(`${output}.copy`)).size).toBe((await stat(output)).size);
  });

  it('is a usage error without {index} or {start} in -o, or with -o -, before any request', async () => {
    const plain = await h.run({ stream: 'gappy', time: window(), output: 'one.mp4', gaps: 'split' });
    expect(plain.error).toBeInstanceOf(UsageError);
    expect(plain.error).toMatchObject({ code: 'E_USAGE', exitCode: 2 });
    expect((plain.error as UsageError).hint).toContain('{index');
    const stdout = await h.run({ stream: 'gappy', time: window(), output: '-', gaps: 'split' });
    expect(stdout.error).toBeInstanceOf(UsageError);
    const defaultName = await h.run({ stream: 'gappy', time: window(), gaps: 'split' });
    expect(defaultName.error).toBeInstanceOf(UsageError);
    expect(h.emulator.log.entries).toHaveLength(0);
  });
});
