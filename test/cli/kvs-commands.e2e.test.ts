import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoStreams } from '../../src/emulator/demo-streams.js';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { runBuiltCli } from './run-built-cli.js';
import { clientEmulatorOptions } from '../support/client-emulator-options.js';

// The CLI's clock is pinned a minute behind the emulator's stream end, so "now"-relative ranges are stable and
// every window lies in the past for both sides.
const nowMs = Math.floor(Date.now() / 1000) * 1000;
const cliNowMs = nowMs - 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

let emulator: RunningEmulator;
let dir: string;
beforeAll(async () => {
  emulator = await startEmulator({ ...clientEmulatorOptions(), streams: demoStreams(nowMs), quotas: false });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-clip-kvs-'));
});

const cli = (...args: string[]) =>
  runBuiltCli(args[0] === 'inspect' ? args : [...args, '--endpoint-url', emulator.url], {
    cwd: dir,
    env: {
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: emulator.region,
      KVS_CLIP_NOW: String(cliNowMs),
    },
  });

describe('get, list and streams against the emulator', () => {
  it('downloads an absolute window to one MP4 and describes it in JSON', async () => {
    const start = cliNowMs - 5 * 60_000;
    const result = await cli(
      'get',
      'demo',
      '--since',
      iso(start),
      '--until',
      iso(cliNowMs),
      '-o',
      'demo.mp4',
      '--json',
    );
    expect(result.stderr).not.toMatch(/kvs-clip: /);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({
      ok: true,
      schemaVersion: 1,
      command: 'get',
      stream: 'demo',
      selector: 'server',
      dryRun: false,
      skipped: false,
      window: { start: iso(start), end: iso(cliNowMs), durationMs: 300_000, tz: 'UTC' },
      output: join(dir, 'demo.mp4'),
      gaps: [],
      retries: 0,
    });
    expect(document.calls).toBe(document.parts.length);
    expect(document.fragments).toBe(
      document.parts.reduce((sum: number, part: { fragments: number }) => sum + part.fragments, 0),
    );
    expect(readdirSync(dir)).toEqual(['demo.mp4']);
    const inspected = JSON.parse((await cli('inspect', 'demo.mp4', '--json')).stdout);
    expect(inspected.tracks.map((track: { kind: string }) => track.kind)).toEqual(['video', 'audio']);
    expect(inspected.durationMs).toBeGreaterThanOrEqual(298_000);
  });

  it('prints the output path on stdout and the window echo on stderr in human mode', async () => {
    const result = await cli('get', 'demo', '--last', '1m', '-o', 'last.mp4');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${join(dir, 'last.mp4')}\n`);
    expect(result.stderr).toMatch(/^Window \S+Z → \S+Z \(1m, server timestamps, tz UTC\)\n/);
    expect(result.stderr).toMatch(/\[part 1\/1\] downloaded/);
  });

  it('plans without downloading for --dry-run', async () => {
    const result = await cli('get', 'demo', '--last', '30m', '--dry-run', '--json');
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ ok: true, dryRun: true, output: null, calls: 0 });
    expect(document.parts.length).toBeGreaterThan(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('emits NDJSON events on stderr with --log-format json', async () => {
    const result = await cli('get', 'demo', '--last', '1m', '-o', 'e.mp4', '--log-format', 'json');
    expect(result.code).toBe(0);
    const types = result.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).type);
    expect(types[0]).toBe('window');
    expect(types).toEqual(expect.arrayContaining(['plan', 'part-start', 'part-done', 'summary']));
  });

  it('exits 3 with E_STREAM_NOT_FOUND for an unknown stream, writing nothing', async () => {
    const result = await cli('get', 'nosuchcam', '--last', '1m', '-o', 'x.mp4', '--json');
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      command: 'get',
      error: { code: 'E_STREAM_NOT_FOUND', exitCode: 3 },
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('exits 7 when the output exists, without touching it', async () => {
    expect((await cli('get', 'demo', '--last', '1m', '-o', 'same.mp4', '-q')).code).toBe(0);
    const again = await cli('get', 'demo', '--last', '1m', '-o', 'same.mp4', '--json');
    expect(again.code).toBe(7);
    expect(JSON.parse(again.stdout).error.code).toBe('E_OUTPUT_EXISTS');
    expect(existsSync(join(dir, 'same.mp4.part'))).toBe(false);
  });

  it('lists coverage of a range as spans and totals', async () => {
    const result = await cli('list', 'demo', `${iso(cliNowMs - 10 * 60_000)}..${iso(cliNowMs)}`, '--json');
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({ ok: true, command: 'list', stream: 'demo', gaps: [] });
    expect(document.spans).toHaveLength(1);
    expect(document.fragments).toBe(300);
    const human = await cli('ls', 'demo', '--last', '10m');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ +START +END +DURATION +FRAGMENTS +SIZE\nmedia /);
  });

  it('lists the streams, and completes their names', async () => {
    const result = await cli('streams', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).streams).toEqual([
      expect.objectContaining({ name: 'demo', status: 'ACTIVE', retentionHours: 72 }),
    ]);
    expect((await cli('streams')).stdout).toBe('demo\n');
    const completed = await cli('__complete', 'streams');
    expect([completed.code, completed.stdout]).toEqual([0, 'demo\n']);
  });
});
