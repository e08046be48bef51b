import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { imageSize } from '../../src/images/image-size.js';
import { runBuiltCli } from '../cli/run-built-cli.js';
import { clientEmulatorOptions } from '../support/client-emulator-options.js';
import { describeMedia, haveFfmpeg, itMedia } from '../support/ffmpeg.js';

// Whole seconds, so with 2 s fragments and no jitter every sampled minute is a fragment start.
const MIN = 60_000;
const nowMs = Math.floor(Date.now() / 2000) * 2000;
const cliNowMs = nowMs - MIN;
const windowStart = cliNowMs - 30 * MIN;
const GAP = { from: windowStart + 10 * MIN, to: windowStart + 15 * MIN };
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const json = (ms: number) => new Date(ms).toISOString();
const hms = (ms: number) => iso(ms).slice(11, 19).replaceAll(':', '');

let emulator: RunningEmulator;
let dir: string;
beforeAll(async () => {
  if (!haveFfmpeg()) return;
  emulator = await startEmulator({
    ...clientEmulatorOptions(),
    streams: [
      {
        name: 'cam',
        source: { preset: 'h264' },
        spanMs: 2 * 60 * MIN,
        endMs: nowMs,
        jitterMs: 0,
        gaps: [{ from: { atMs: GAP.from }, to: { atMs: GAP.to } }],
      },
      { name: 'flaky', source: { preset: 'h264' }, spanMs: 60 * MIN, endMs: nowMs },
      {
        name: 'broken',
        source: { preset: 'h264' },
        spanMs: 60 * MIN,
        endMs: nowMs,
        clipError: 'unsupported-media-type',
      },
    ],
    faults: [
      { op: 'GetImages', stream: 'flaky', nth: 1, action: { kind: 'error', name: 'ClientLimitExceededException' } },
      { op: 'GetImages', stream: 'flaky', nth: 2, action: { kind: 'reset', afterBytes: 10 } },
    ],
  });
});
afterAll(async () => {
  await emulator?.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-clip-images-'));
});

const cli = (...args: string[]) =>
  runBuiltCli([...args, '--endpoint-url', emulator.url], {
    cwd: dir,
    env: {
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: emulator.region,
      KVS_CLIP_NOW: String(cliNowMs),
    },
  });

const thirtyMinutes = ['--since', iso(windowStart), '--until', iso(cliNowMs), '--every', '1m'];

describeMedia('kvs-clip images through the built CLI against the emulator', () => {
  itMedia(
    'samples 30 minutes at 1 minute into files named by the template, listing each instant, size and file in JSON',
    async () => {
      const result = await cli('images', 'cam', ...thirtyMinutes, '-o', 'shots/{stream}_{time:%H%M%S}.jpg', '--json');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const document = JSON.parse(result.stdout);
      expect(document).toMatchObject({
        ok: true,
        command: 'images',
        stream: 'cam',
        everyMs: MIN,
        format: 'jpeg',
        window: { start: json(windowStart), end: json(cliNowMs), tz: 'UTC' },
        counts: { sampled: 30, written: 25, noMedia: 5, mediaError: 0 },
        gaps: [{ first: json(GAP.from), last: json(GAP.to - MIN), images: 5, error: 'NO_MEDIA' }],
      });
      const instants = Array.from({ length: 30 }, (_, k) => windowStart + k * MIN);
      expect(document.images.map((image: { instant: string }) => image.instant)).toEqual(instants.map(json));
      for (const [k, image] of (document.images as Record<string, unknown>[]).entries()) {
        const ms = instants[k] ?? 0;
        if (ms >= GAP.from && ms < GAP.to) {
          expect(image).toEqual({ instant: json(ms), error: 'NO_MEDIA' });
          continue;
        }
        const file = `shots/cam_${hms(ms)}.jpg`;
        expect(image).toMatchObject({ file, width: 320, height: 180 });
        expect(statSync(join(dir, file)).size).toBe(image['bytes']);
        expect(imageSize(readFileSync(join(dir, file)))).toEqual({ width: 320, height: 180 });
      }
      expect(readdirSync(join(dir, 'shots'))).toHaveLength(25);
      expect(readdirSync(join(dir, 'shots')).filter((name) => !name.endsWith('.jpg'))).toEqual([]);
    },
    120_000,
  );

  itMedia(
    'prints each file on stdout and reports the gap on stderr in human mode, exit 0',
    async () => {
      const result = await cli(
        'images',
        'cam',
        '--since',
        iso(GAP.from - 2 * MIN),
        '--until',
        iso(GAP.from + 2 * MIN),
        '--every',
        '1m',
      );
      expect(result.code).toBe(0);
      expect(result.stdout.trim().split('\n')).toEqual([
        `cam_${iso(GAP.from - 2 * MIN).replaceAll(/[-:]/g, '')}.jpg`,
        `cam_${iso(GAP.from - MIN).replaceAll(/[-:]/g, '')}.jpg`,
      ]);
      expect(result.stderr).toMatch(/Wrote 2 of 4 pictures.*2 instants without a picture: .*NO_MEDIA, 2 instants/);
    },
    60_000,
  );

  itMedia(
    'writes the default names inside a directory given as -o DIR/, as an existing -o DIR, or as --output-dir',
    async () => {
      const fourMinutes = ['--since', iso(GAP.from - 4 * MIN), '--until', iso(GAP.from), '--every', '1m'];
      const names = [4, 3, 2, 1].map((back) => `cam_${iso(GAP.from - back * MIN).replaceAll(/[-:]/g, '')}.jpg`);
      mkdirSync(join(dir, 'existing'));
      const slash = await cli('images', 'cam', ...fourMinutes, '-o', 'new/');
      const existing = await cli('images', 'cam', ...fourMinutes, '-o', 'existing');
      const outputDir = await cli('images', 'cam', ...fourMinutes, '--output-dir', 'out', '-o', 'sub/{index:02}.jpg');
      expect([slash.code, existing.code, outputDir.code]).toEqual([0, 0, 0]);
      expect(slash.stdout.trim().split('\n')).toEqual(names.map((name) => join('new', name)));
      expect(readdirSync(join(dir, 'new')).sort()).toEqual(names);
      expect(readdirSync(join(dir, 'existing')).sort()).toEqual(names);
      expect(readdirSync(join(dir, 'out', 'sub')).sort()).toEqual(['01.jpg', '02.jpg', '03.jpg', '04.jpg']);
      const refused = await cli('images', 'cam', ...fourMinutes, '--output-dir', 'out', '-o', '/abs/{index}.jpg');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/-o \/abs\/\{index\}\.jpg is an absolute path/);
    },
    120_000,
  );

  itMedia(
    'refuses to overwrite an existing image before any call (exit 7) and overwrites it with --force',
    async () => {
      const name = `cam_${hms(windowStart)}.png`;
      writeFileSync(join(dir, name), 'keep me');
      const args = [
        'images',
        'cam',
        '--since',
        iso(windowStart),
        '--until',
        iso(windowStart + 2 * MIN),
        '--every',
        '1m',
      ];
      const callsBefore = emulator.log.entries.length;
      const refused = await cli(...args, '--format', 'png', '-o', '{stream}_{time:%H%M%S}.png');
      expect(refused.code).toBe(7);
      expect(refused.stderr).toMatch(/already exists/);
      expect(readFileSync(join(dir, name), 'utf8')).toBe('keep me');
      expect(readdirSync(dir)).toEqual([name]);
      expect(emulator.log.entries.length).toBe(callsBefore);
      const forced = await cli(...args, '--format', 'png', '-o', '{stream}_{time:%H%M%S}.png', '--force');
      expect(forced.code).toBe(0);
      expect(readFileSync(join(dir, name)).subarray(1, 4).toString('latin1')).toBe('PNG');
    },
    60_000,
  );

  itMedia(
    'writes only the sheet with --sheet alone (making its directory), and refuses an existing sheet (exit 7) without touching it',
    async () => {
      const args = [
        'images',
        'cam',
        '--since',
        iso(windowStart),
        '--until',
        iso(windowStart + 3 * MIN),
        '--every',
        '1m',
      ];
      const first = await cli(...args, '--sheet', 'sheets/cam.html');
      expect(first.code).toBe(0);
      expect(first.stdout).toBe('sheets/cam.html\n');
      expect(readdirSync(join(dir, 'sheets'))).toEqual(['cam.html']);
      const page = readFileSync(join(dir, 'sheets', 'cam.html'), 'utf8');
      expect(page.match(/<li id="t\d+" class="picture"/g)).toHaveLength(3);
      const again = await cli(...args, '--sheet', 'sheets/cam.html');
      expect(again.code).toBe(7);
      expect(readFileSync(join(dir, 'sheets', 'cam.html'), 'utf8')).toBe(page);
      expect(readdirSync(join(dir, 'sheets'))).toEqual(['cam.html']);
    },
    60_000,
  );

  itMedia(
    'keeps the aspect for --width alone (160 wide: 90 high) and applies --width with --height as given',
    async () => {
      const args = ['images', 'cam', '--since', iso(windowStart), '--until', iso(windowStart + MIN), '--every', '1m'];
      const alone = await cli(...args, '--width', '160', '--json', '-o', 'a_{index}.jpg');
      expect(alone.code).toBe(0);
      expect(imageSize(readFileSync(join(dir, 'a_1.jpg')))).toEqual({ width: 160, height: 90 });
      const both = await cli(...args, '--width', '100', '--height', '50', '-o', 'b_{index}.jpg', '--quality', '30');
      expect(both.code).toBe(0);
      expect(imageSize(readFileSync(join(dir, 'b_1.jpg')))).toEqual({ width: 100, height: 50 });
    },
    60_000,
  );

  itMedia(
    'exits 3 when no instant has footage, 6 when footage cannot be decoded, 3 for an unknown stream, writing nothing',
    async () => {
      const inGap = await cli(
        'images',
        'cam',
        '--since',
        iso(GAP.from),
        '--until',
        iso(GAP.from + 3 * MIN),
        '--every',
        '1m',
      );
      expect(inGap.code).toBe(3);
      expect(inGap.stderr).toMatch(/No footage at any of the 3 sampled instant/);
      const broken = await cli('images', 'broken', '--last', '3m', '--every', '1m');
      expect(broken.code).toBe(6);
      expect(broken.stderr).toMatch(/MEDIA_ERROR/);
      const missing = await cli('images', 'nope', '--last', '3m', '--every', '1m', '--json');
      expect(missing.code).toBe(3);
      expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false, error: { code: 'E_STREAM_NOT_FOUND' } });
      expect(readdirSync(dir)).toEqual([]);
    },
    60_000,
  );

  itMedia(
    'retries a throttled and a cut GetImages page like get, and still writes every picture',
    async () => {
      const result = await cli('images', 'flaky', '--last', '3m', '--every', '1m', '-o', 'f_{index}.jpg');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/GetImages .* page 1: ClientLimitExceededException\. Retrying in/);
      expect(result.stderr.match(/Retrying in/g)).toHaveLength(2);
      expect(readdirSync(dir).sort()).toEqual(['f_1.jpg', 'f_2.jpg', 'f_3.jpg']);
    },
    60_000,
  );

  itMedia('rejects --every below 200 ms and a template that names every image alike (exit 2)', async () => {
    const fast = await cli('images', 'cam', '--last', '1m', '--every', '100ms');
    expect(fast.code).toBe(2);
    expect(fast.stderr).toMatch(/--every must be at least 200ms/);
    const same = await cli('images', 'cam', '--last', '1m', '-o', 'shot.jpg');
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/same name/);
    expect(existsSync(join(dir, 'shot.jpg'))).toBe(false);
  });
});
