import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { runBuiltCli } from './run-built-cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const version: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-clip-cli-'));
});
const cli = (...args: string[]) => runBuiltCli(args, { cwd: dir });

describe('the built CLI', () => {
  it('prints help with the commands and the exit-code table, and its version', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    for (const word of [
      'get',
      'list|ls',
      'streams',
      'join',
      'inspect',
      'completion',
      'emulator',
      'Exit codes:',
      '130',
    ]) {
      expect(help.stdout).toContain(word);
    }
    const shown = await cli('--version');
    expect([shown.code, shown.stdout.split('\n')[0]]).toEqual([0, version]);
    expect(shown.stdout.split('\n')[1]).toMatch(
      /^node v\d+\.\d+\.\d+, \w+-\w+, @aws-sdk\/client-kinesis-video 3\.\d+\.\d+$/,
    );
  });

  it('joins fixture clips into one MP4, prints its path, and inspect sees every sample', async () => {
    const inputs = ['h264_aac-0.mp4', 'h264_aac-1.mp4', 'h264_aac-2.mp4'].map(fixture);
    const joined = await cli('join', ...inputs, '-o', 'joined.mp4');
    expect(joined.code).toBe(0);
    expect(joined.stdout).toBe('joined.mp4\n');
    expect(readdirSync(dir)).toEqual(['joined.mp4']);
    const inspected = await cli('inspect', 'joined.mp4', '--json');
    expect(inspected.code).toBe(0);
    const document = JSON.parse(inspected.stdout);
    expect(document).toMatchObject({
      ok: true,
      schemaVersion: 1,
      command: 'inspect',
      layout: 'moov-first',
      boxes: ['ftyp', 'moov', 'free', 'mdat'],
    });
    const parts = await Promise.all(
      inputs.map(async (input) => JSON.parse((await cli('inspect', input, '--json')).stdout)),
    );
    const videoSamples = parts.reduce((sum, part) => sum + part.tracks[0].samples, 0);
    expect(document.tracks[0]).toMatchObject({ kind: 'video', codec: 'h264', samples: videoSamples });
  });

  it('describes a join in its --json document', async () => {
    const result = await cli(
      'join',
      fixture('h264-0.mp4'),
      fixture('h264-1.mp4'),
      '-o',
      'j.mp4',
      '--no-faststart',
      '--json',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      schemaVersion: 1,
      command: 'join',
      inputs: [fixture('h264-0.mp4'), fixture('h264-1.mp4')],
      outputs: ['j.mp4'],
      format: 'progressive',
      faststart: false,
      bytes: expect.any(Number),
      durationMs: expect.any(Number),
      joins: 1,
      gaps: [],
      configChanges: 0,
    });
  });

  it('refuses to overwrite a join output without --force (exit 7), and overwrites with it', async () => {
    writeFileSync(join(dir, 'out.mp4'), 'precious');
    const refused = await cli('join', fixture('h264-0.mp4'), '-o', 'out.mp4', '--json');
    expect(refused.code).toBe(7);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, error: { code: 'E_OUTPUT_EXISTS', exitCode: 7 } });
    expect(readFileSync(join(dir, 'out.mp4'), 'utf8')).toBe('precious');
    expect((await cli('join', fixture('h264-0.mp4'), '-o', 'out.mp4', '--force')).code).toBe(0);
    expect(readFileSync(join(dir, 'out.mp4')).subarray(4, 8).toString()).toBe('ftyp');
  });

  it('streams a join to a pipe as fragmented MP4', async () => {
    const result = await cli('join', fixture('h264-0.mp4'), fixture('h264-1.mp4'), '-o', '-');
    expect(result.code).toBe(0);
    expect(result.stdout.includes('moof')).toBe(true);
  });

  it('exits 6 with E_MP4_PARSE in JSON for a file that is not an MP4', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'not a movie at all, just text');
    const result = await cli('inspect', 'notes.txt', '--json');
    expect(result.code).toBe(6);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      schemaVersion: 1,
      command: 'inspect',
      error: { code: 'E_MP4_PARSE', message: expect.any(String), exitCode: 6 },
    });
    expect(result.stderr.split('\n')[0]).toMatch(/^kvs-clip: /);
  });

  const usageErrors: string[][] = [
    ['get', 'cam1', '--since', 'yesterdy', '-o', 'x.mp4'],
    ['get', 'cam1', '--since', '1h', '--last', '2h', '-o', 'x.mp4'],
    ['get', 'cam1', '--last', '1h', '--concurrency', 'lots', '-o', 'x.mp4'],
    ['get', 'cam1', '--since', '1h ago', '--until', '2h ago', '-o', 'x.mp4'],
    ['get', 'cam1', '--last', '1h', '--tz', 'Nowhere/Land', '-o', 'x.mp4'],
    ['get', 'cam1', '--last', '1h', '-o', '-', '--json'],
    ['join', fixture('h264-0.mp4')],
    ['frobnicate'],
  ];
  for (const argv of usageErrors) {
    it(`exits 2 with one line and a hint, creating nothing, for: ${argv.join(' ').replace(/\/\S+\//g, '')}`, async () => {
      const result = await cli(...argv);
      expect(result.code).toBe(2);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^kvs-clip: \S/);
      expect(lines.length).toBeLessThanOrEqual(2);
      if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
      expect(readdirSync(dir)).toEqual([]);
    });
  }

  it('gives the JSON failure document for a usage error with --json', async () => {
    const result = await cli('get', 'cam1', '--since', 'yesterdy', '--json');
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      schemaVersion: 1,
      command: 'get',
      error: { code: 'E_TIME_PARSE', exitCode: 2 },
    });
  });

  it('downloads from the bundled emulator with --local and no AWS account', async () => {
    const result = await cli('get', 'demo', '--local', '--since', '3m', '-o', 'demo.mp4', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      command: 'get',
      stream: 'demo',
      output: join(dir, 'demo.mp4'),
    });
    expect(readdirSync(dir)).toEqual(['demo.mp4']);
    const listed = await cli('streams', '--local');
    expect(listed.stdout).toBe('demo\n');
  });

  it('prints a completion script that bash accepts', async () => {
    const result = await cli('completion', 'bash');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('complete -F _kvs_clip kvs-clip');
    expect(existsSync(join(dir, 'kvs-clip.bash'))).toBe(false);
  });
});
