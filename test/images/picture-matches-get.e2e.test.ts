import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { runBuiltCli } from '../cli/run-built-cli.js';
import { describeMedia, haveFfmpeg, itMedia } from '../support/ffmpeg.js';

/**
 * The pictures are checked against ffmpeg, not against the emulator's own idea of them: the picture `images` saves
 * for an instant must be the frame that a `get` of the same span decodes to at that instant (docs/images.md).
 * Bounds: a PNG is lossless, so the right frame matches at ≥ 60 dB (measured: inf, identical pictures); a JPEG at
 * quality 90 at ≥ 39 dB (measured 40.7). The neighbouring frames (testsrc's timer and scrolling bar move every frame)
 * measured 34.6–35.3 dB against the PNG and 36.8–37.3 dB against the JPEG, below the bounds, so a picture taken one
 * frame off fails.
 */
const PNG_BOUND_DB = 60;
const JPEG_BOUND_DB = 39;

const nowMs = Math.floor(Date.now() / 2000) * 2000;
const cliNowMs = nowMs - 60_000;
// 1.3 s into a fragment (fragments start every 2 s, no jitter, no skew): frame 19 at 15 fps (1.267 s ≤ 1.3 < 1.333).
const fragmentStart = nowMs - 10 * 60_000;
const instant = fragmentStart + 1_300;
const iso = (ms: number) => new Date(ms).toISOString();

let emulator: RunningEmulator;
let dir: string;
beforeAll(async () => {
  if (!haveFfmpeg()) return;
  emulator = await startEmulator({
    streams: [{ name: 'cam', source: { preset: 'h264' }, spanMs: 60 * 60_000, endMs: nowMs, jitterMs: 0 }],
  });
  dir = mkdtempSync(join(tmpdir(), 'kvs-clip-psnr-'));
});
afterAll(async () => {
  await emulator?.close();
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

/** ffmpeg's PSNR of two pictures of the same size, in dB (Infinity when identical). */
function psnrOf(a: string, b: string): number {
  const result = execFileSync(
    'sh',
    ['-c', `ffmpeg -v info -i "$1" -i "$2" -lavfi psnr -f null - 2>&1 | grep -o 'average:[^ ]*'`, 'sh', a, b],
    { encoding: 'utf8', cwd: dir },
  );
  const value = result.trim().replace('average:', '');
  return value === 'inf' ? Infinity : Number(value);
}

describeMedia('a picture is the frame `get` decodes at that instant', () => {
  itMedia(
    'matches the decoded frame of the instant above the bound, and its neighbours below it',
    async () => {
      const get = await cli('get', 'cam', '--at', iso(fragmentStart), '--duration', '1s', '-o', 'clip.mp4');
      expect(get.code, get.stderr).toBe(0);
      execFileSync('ffmpeg', ['-v', 'error', '-i', 'clip.mp4', '-vsync', '0', 'frame%03d.png'], { cwd: dir });
      const times = execFileSync(
        'ffprobe',
        [
          '-v',
          'error',
          '-select_streams',
          'v',
          '-show_entries',
          'frame=best_effort_timestamp_time',
          '-of',
          'csv=p=0',
          'clip.mp4',
        ],
        { cwd: dir, encoding: 'utf8' },
      )
        .split('\n')
        .map((line) => Number.parseFloat(line))
        .filter((t) => Number.isFinite(t));
      // The frame on screen at the instant: the last one whose time (from the clip's first frame) is not after it.
      const shown = times.filter((t) => t - (times[0] ?? 0) <= (instant - fragmentStart) / 1000 + 1e-6).length;
      expect(shown).toBe(20);
      const frame = (n: number) => `frame${String(n).padStart(3, '0')}.png`;
      const window = ['--at', iso(instant), '--duration', '1s', '--every', '1s'];
      expect((await cli('images', 'cam', ...window, '--format', 'png', '-o', 'shot.png.{index}')).code).toBe(0);
      expect((await cli('images', 'cam', ...window, '--quality', '90', '-o', 'shot.jpg.{index}')).code).toBe(0);
      expect(readdirSync(dir)).toEqual(expect.arrayContaining(['shot.png.1', 'shot.jpg.1']));
      const png = [shown - 1, shown, shown + 1].map((n) => psnrOf('shot.png.1', frame(n)));
      expect(png[1]).toBeGreaterThanOrEqual(PNG_BOUND_DB);
      expect(png[0]).toBeLessThan(PNG_BOUND_DB);
      expect(png[2]).toBeLessThan(PNG_BOUND_DB);
      const jpeg = [shown - 1, shown, shown + 1].map((n) => psnrOf('shot.jpg.1', frame(n)));
      console.log(`PSNR png ${png.join(' / ')} dB, jpeg ${jpeg.join(' / ')} dB (previous / instant / next frame)`);
      expect(jpeg[1]).toBeGreaterThanOrEqual(JPEG_BOUND_DB);
      expect(jpeg[0]).toBeLessThan(JPEG_BOUND_DB);
      expect(jpeg[2]).toBeLessThan(JPEG_BOUND_DB);
    },
    120_000,
  );
});
