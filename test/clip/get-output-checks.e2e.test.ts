import { readdirSync, statSync } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors/output-error.js';
import { startHarness, type Harness } from './get-harness.js';

const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

let h: Harness;
let END: number;

beforeAll(async () => {
  const now = Math.floor(Date.now() / 1000) * 1000;
  END = now - MIN;
  h = await startHarness(
    { streams: [{ name: 'cam', source: { preset: 'h264' }, fragmentSeconds: 1, spanMs: 10 * MIN, endMs: END }] },
    now,
  );
});

afterAll(async () => {
  await h.close();
});

beforeEach(() => {
  h.emulator.log.clear();
});

const window = (): { since: string; until: string } => ({ since: iso(END - 2 * MIN), until: iso(END - MIN) });

describe('get output checks before any download', () => {
  it('refuses an existing plain output path without any request and without echoing the window', async () => {
    await writeFile(`${h.dir}/taken.mp4`, 'old');
    const { error, events } = await h.run({ stream: 'cam', time: window(), output: 'taken.mp4' });
    expect(error).toBeInstanceOf(OutputError);
    expect(error).toMatchObject({ code: 'E_OUTPUT_EXISTS', exitCode: 7 });
    expect(h.emulator.log.entries).toHaveLength(0);
    expect(events.filter((event) => event.type === 'window' || event.type === 'plan')).toHaveLength(0);
  });

  it('skips an existing plain output with --skip-existing without any request', async () => {
    await writeFile(`${h.dir}/kept.mp4`, 'old');
    const { result, error } = await h.run({ stream: 'cam', time: window(), output: 'kept.mp4', skipExisting: true });
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ skipped: true, output: `${h.dir}/kept.mp4`, calls: 0 });
    expect(h.emulator.log.entries).toHaveLength(0);
  });

  it('refuses a missing output directory without --mkdir without any request', async () => {
    const { error } = await h.run({ stream: 'cam', time: window(), output: 'nowhere/out.mp4' });
    expect(error).toMatchObject({ code: 'E_OUTPUT_WRITE', exitCode: 7 });
    expect(h.emulator.log.entries).toHaveLength(0);
    await expect(stat(`${h.dir}/nowhere`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses an existing output named from {start} after DescribeStream only, before listing or echoing the window', async () => {
    const first = await h.run({
      stream: 'cam',
      time: window(),
      output: 'by-time/{stream}_{start:%H%M%S}.mp4',
      mkdir: true,
    });
    expect(first.error).toBeUndefined();
    h.emulator.log.clear();
    const second = await h.run({ stream: 'cam', time: window(), output: 'by-time/{stream}_{start:%H%M%S}.mp4' });
    expect(second.error).toMatchObject({ code: 'E_OUTPUT_EXISTS', exitCode: 7 });
    expect(h.emulator.log.entries.map((entry) => entry.op)).toEqual(['DescribeStream']);
    expect(second.events.filter((event) => event.type === 'window' || event.type === 'plan')).toHaveLength(0);
  });
});

describe('get file modes', () => {
  it('creates spool clips and the joiner scratch files owner-only, and gives the finished output a plain mode', async () => {
    const seen = new Map<string, number>();
    const spoolDir = `${h.dir}/private.mp4.kvsclip.d`;
    const look = (): void => {
      for (const name of readdirSync(spoolDir)) seen.set(`spool/${name}`, statSync(`${spoolDir}/${name}`).mode & 0o777);
      for (const name of readdirSync(h.dir).filter((entry) => entry.startsWith('private.mp4.part')))
        seen.set(name, statSync(`${h.dir}/${name}`).mode & 0o777);
    };
    const { error } = await h.run(
      {
        stream: 'cam',
        time: { since: iso(END - 6 * MIN), until: iso(END - MIN) },
        output: 'private.mp4',
        concurrency: 2,
      },
      { onEvent: (event) => (event.type === 'part-done' ? look() : undefined) },
    );
    expect(error).toBeUndefined();
    expect([...seen.keys()].some((name) => name.startsWith('spool/'))).toBe(true);
    expect(seen.get('private.mp4.part')).toBe(0o600);
    expect(seen.get('private.mp4.part.kvsjoin')).toBe(0o600);
    expect(Object.fromEntries([...seen].filter(([, mode]) => mode !== 0o600))).toEqual({});
    expect((await stat(`${h.dir}/private.mp4`)).mode & 0o777).toBe(0o666 & ~process.umask());
  });

  it('gives --split part files a plain mode and leaves nothing else beside them', async () => {
    await mkdir(`${h.dir}/split`, { recursive: true });
    const { result, error } = await h.run({
      stream: 'cam',
      time: { since: iso(END - 5 * MIN), until: iso(END - MIN) },
      output: 'split/cam_{index}.mp4',
      split: true,
    });
    expect(error).toBeUndefined();
    expect(result?.outputs.length).toBeGreaterThan(1);
    for (const output of result?.outputs ?? [])
      expect((await stat(output)).mode & 0o777).toBe(0o666 & ~process.umask());
    expect((await readdir(`${h.dir}/split`)).sort()).toEqual(result?.outputs.map((p) => basename(p)).sort());
  });
});

describe('get request IDs', () => {
  it('carries the request ID of each successful GetClip in its part-done event', async () => {
    const { error, events } = await h.run({
      stream: 'cam',
      time: { since: iso(END - 5 * MIN), until: iso(END - MIN) },
      output: 'ids.mp4',
    });
    expect(error).toBeUndefined();
    const done = events.flatMap((event) => (event.type === 'part-done' ? [event.requestId] : []));
    expect(done.length).toBeGreaterThan(1);
    const served = h.emulator.log
      .ofOp('GetClip')
      .filter((entry) => entry.status === 200)
      .map((entry) => entry.requestId);
    expect([...done].sort()).toEqual([...served].sort());
  });
});
