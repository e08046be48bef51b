import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors/cancelled-error.js';
import { acquireLock } from '../../src/output/lock.js';
import { itMedia, packetHashes } from '../support/ffmpeg.js';
import { HOUR, plannedFragments, startHarness, type Harness } from './get-harness.js';

const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

let h: Harness;
let NOW: number;

beforeAll(async () => {
  NOW = Math.floor(Date.now() / 1000) * 1000;
  h = await startHarness(
    {
      // The clock jumps ahead by hours here, beyond SigV4's 5-minute skew window: skip signatures.
      auth: false,
      // An archive that keeps growing as the clock advances (fragments appear when their server time has passed).
      streams: [
        { name: 'live', source: { preset: 'h264' }, fragmentSeconds: 2, spanMs: 3 * HOUR, endMs: NOW + 2 * HOUR },
        { name: 'quiet', source: { preset: 'h264' }, fragmentSeconds: 2, spanMs: HOUR, endMs: NOW - HOUR },
      ],
    },
    NOW,
  );
});

afterAll(async () => {
  await h.close();
});

describe('get --state (cron)', () => {
  itMedia('five consecutive runs cover the stream exactly once and equal one run over the whole period', async () => {
    const cron = {
      stream: 'live',
      state: 'live.state',
      output: 'archive/{stream}/{start:%H%M%S}.mp4',
      mkdir: true,
    } as const;
    const outputs: string[] = [];
    const fragments: string[] = [];
    let firstStart = 0;
    for (let run = 0; run < 5; run++) {
      if (run > 0) h.clock.advance(7 * MIN + run * 13_000);
      const { result, error } = await h.run({ ...cron, time: { since: '20m' } });
      expect(error).toBeUndefined();
      if (result === undefined) return;
      if (run === 0) firstStart = result.window.startMs;
      expect(result.output).not.toBeNull();
      outputs.push(result.output ?? '');
      fragments.push(...plannedFragments(result));
      const state = JSON.parse(await readFile(`${h.dir}/live.state`, 'utf8')) as {
        cursorMs: number;
        pending?: unknown;
      };
      expect(state.pending).toBeUndefined();
      expect(state.cursorMs).toBe(result.stateCursorMs);
    }
    expect(new Set(fragments).size).toBe(fragments.length);
    const state = JSON.parse(await readFile(`${h.dir}/live.state`, 'utf8')) as { cursorMs: number };
    const whole = await h.run({
      stream: 'live',
      time: { since: iso(firstStart), until: iso(state.cursorMs - 1) },
      output: 'whole.mp4',
    });
    expect(whole.error).toBeUndefined();
    expect(whole.result === undefined ? [] : plannedFragments(whole.result)).toEqual(fragments);
    const joined: string[] = [];
    for (const output of outputs) joined.push(...(await packetHashes(output, 'v')));
    expect(joined).toEqual(await packetHashes(whole.result?.output ?? '', 'v'));
  });

  it('treats an empty window as success: nothing written, no GetClip, cursor moved to the window end', async () => {
    h.emulator.log.clear();
    const { result, error } = await h.run({
      stream: 'quiet',
      state: 'quiet.state',
      output: 'q/{start:%H%M%S}.mp4',
      mkdir: true,
      time: { since: '30m' },
    });
    expect(error).toBeUndefined();
    expect(result?.output).toBeNull();
    expect(result?.fragments).toBe(0);
    expect(h.emulator.log.ofOp('GetClip')).toHaveLength(0);
    const state = JSON.parse(await readFile(`${h.dir}/quiet.state`, 'utf8')) as { cursorMs: number };
    expect(state.cursorMs).toBe(result?.window.endMs);
    await expect(stat(`${h.dir}/q`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('finishes the pending window of an interrupted run before moving the cursor', async () => {
    const cron = {
      stream: 'live',
      state: 'crash.state',
      output: 'crash/{start:%H%M%S}.mp4',
      mkdir: true,
      time: { since: '30m' },
    } as const;
    const controller = new AbortController();
    const first = await h.run(cron, {
      signal: controller.signal,
      onEvent: (event) => event.type === 'part-done' && controller.abort(new CancelledError('SIGINT')),
    });
    expect(first.error).toBeInstanceOf(CancelledError);
    const pending = (
      JSON.parse(await readFile(`${h.dir}/crash.state`, 'utf8')) as {
        pending?: { startMs: number; endMs: number; output: string };
      }
    ).pending;
    expect(pending).toBeDefined();
    h.clock.advance(5 * MIN);
    const second = await h.run(cron);
    expect(second.error).toBeUndefined();
    expect(second.result?.window).toEqual({ startMs: pending?.startMs, endMs: pending?.endMs });
    expect(second.result?.output).toBe(pending?.output);
    const state = JSON.parse(await readFile(`${h.dir}/crash.state`, 'utf8')) as { cursorMs: number; pending?: unknown };
    expect(state.pending).toBeUndefined();
    expect(state.cursorMs).toBe(second.result?.stateCursorMs);
    expect(state.cursorMs).toBeLessThanOrEqual(pending?.endMs ?? 0);
  });

  it('refuses to run while another run holds the lock (E_LOCKED, exit 7)', async () => {
    const lock = await acquireLock(`${h.dir}/live.state`, { nowMs: Date.now() });
    try {
      const { error } = await h.run({
        stream: 'live',
        state: 'live.state',
        output: 'x/{start:%H%M%S}.mp4',
        mkdir: true,
      });
      expect(error).toMatchObject({ code: 'E_LOCKED', exitCode: 7 });
    } finally {
      await lock.release();
    }
  });

  it('needs --since on the first run', async () => {
    const { error } = await h.run({ stream: 'live', state: 'fresh.state', output: 'y.mp4' });
    expect(error).toMatchObject({ code: 'E_USAGE', exitCode: 2 });
    await expect(stat(`${h.dir}/fresh.state`)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
