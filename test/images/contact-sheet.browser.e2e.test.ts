/// <reference lib="dom" />
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { runBuiltCli } from '../cli/run-built-cli.js';
import { haveFfmpeg } from '../support/ffmpeg.js';

/**
 * The contact sheet in a real browser: Debian's Chromium driven by playwright-core, JavaScript off. Skipped locally
 * when Chromium or ffmpeg is missing; under CI=true that is a failure (.ci/run installs both).
 */
const CHROMIUM = process.env['KVS_CLIP_CHROMIUM'] ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const README_SHOT = fileURLToPath(new URL('../../docs/contact-sheet.jpg', import.meta.url));
const haveTools = existsSync(CHROMIUM) && haveFfmpeg();
const ci = process.env['CI'] === 'true';

const MIN = 60_000;
const nowMs = Math.floor(Date.now() / 2000) * 2000;
const cliNowMs = nowMs - MIN;
const windowStart = cliNowMs - 30 * MIN;
const GAP = { from: windowStart + 10 * MIN, to: windowStart + 15 * MIN };
const iso = (ms: number) => new Date(ms).toISOString();

let emulator: RunningEmulator;
let browser: Browser;
let dir: string;
let sheet: string;

describe.runIf(haveTools || ci)('the contact sheet in Chromium', () => {
  beforeAll(async () => {
    if (!haveTools) return;
    emulator = await startEmulator({
      streams: [
        {
          name: 'cam',
          source: { preset: 'h264_aac' },
          spanMs: 2 * 60 * MIN,
          endMs: nowMs,
          jitterMs: 0,
          gaps: [{ from: { atMs: GAP.from }, to: { atMs: GAP.to } }],
        },
      ],
    });
    dir = mkdtempSync(join(tmpdir(), 'kvs-clip-sheet-'));
    sheet = join(dir, 'cam.html');
    const result = await runBuiltCli(
      [
        'images',
        'cam',
        '--since',
        iso(windowStart),
        '--until',
        iso(cliNowMs),
        '--every',
        '1m',
        '--sheet',
        'cam.html',
        '--endpoint-url',
        emulator.url,
      ],
      {
        cwd: dir,
        env: {
          AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
          AWS_REGION: emulator.region,
          KVS_CLIP_NOW: String(cliNowMs),
          KVS_CLIP_TZ: 'Europe/Berlin',
        },
      },
    );
    if (result.code !== 0) throw new Error(`images failed (${result.code}): ${result.stderr}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
  });

  it('has Chromium and ffmpeg (CI=true fails here rather than skipping)', () => {
    expect(haveTools, `need ${CHROMIUM} (apt-get install chromium) and ffmpeg`).toBe(true);
  });

  it.runIf(haveTools)(
    'renders 30 tiles in time order, 25 decoded pictures and the 5 gap instants as gaps, without JavaScript or network',
    async () => {
      expect(readdirSync(dir)).toEqual(['cam.html']);
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      const remote: string[] = [];
      page.on('request', (request) => {
        if (!/^(file|data):/.test(request.url())) remote.push(request.url());
      });
      await page.goto(pathToFileURL(sheet).href, { waitUntil: 'load' });
      const tiles = await page.$$eval('#tiles > li', (items) =>
        items.map((li) => {
          const img = li.querySelector('img');
          return {
            kind: li.className,
            instant: li.getAttribute('data-instant') ?? '',
            naturalWidth: img?.naturalWidth ?? 0,
            command: li.querySelector('input')?.value ?? '',
            caption: li.querySelector('figcaption')?.textContent ?? '',
          };
        }),
      );
      expect(tiles).toHaveLength(30);
      const instants = Array.from({ length: 30 }, (_, k) => windowStart + k * MIN);
      expect(tiles.map((t) => t.instant)).toEqual(instants.map((ms) => iso(ms).replace('.000Z', 'Z')));
      const inGap = (ms: number) => ms >= GAP.from && ms < GAP.to;
      expect(tiles.map((t) => t.kind)).toEqual(instants.map((ms) => (inGap(ms) ? 'gap' : 'picture')));
      for (const tile of tiles.filter((t) => t.kind === 'picture')) expect(tile.naturalWidth).toBe(320);
      for (const [k, tile] of tiles.entries()) {
        expect(tile.command).toBe(
          `kvs-clip get cam --at ${iso((instants[k] ?? 0) - 30_000).replace('.000Z', 'Z')} --duration 1m`,
        );
        // The instant in --tz (Berlin is UTC+1 in winter, +2 in summer) and in UTC.
        expect(tile.caption).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d .*Z/);
      }
      const header = await page.textContent('header');
      expect(header).toContain('cam');
      expect(header).toContain('25 of 30 with a picture, 5 without footage (NO_MEDIA)');
      expect(header).toContain('Europe/Berlin');
      expect(remote).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'contact-sheet.png'), fullPage: true });
      if (process.env['KVS_CLIP_UPDATE_SCREENSHOT'] === '1') {
        // The README's picture: the header's counts are above, so show the rows around the gap.
        await page.setViewportSize({ width: 900, height: 560 });
        const box = await page.locator('#t8').boundingBox();
        const clip = { x: 0, y: Math.max(0, (box?.y ?? 0) - 12), width: 900, height: 520 };
        await page.screenshot({ path: README_SHOT, type: 'jpeg', quality: 70, fullPage: true, clip });
      }
      await context.close();
    },
  );

  it.runIf(haveTools)(
    'reads on a phone (one column, no sideways scrolling) and reaches every command by keyboard',
    async () => {
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      await page.goto(pathToFileURL(sheet).href, { waitUntil: 'load' });
      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        columns: getComputedStyle(document.querySelector('#tiles') as Element).gridTemplateColumns.split(' ').length,
      }));
      expect(layout.scrollWidth).toBeLessThanOrEqual(390);
      expect(layout.columns).toBe(1);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to the pictures');
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value ?? '');
      expect(focused).toMatch(/^kvs-clip get cam --at /);
      await page.screenshot({ path: join(ARTIFACTS, 'contact-sheet-phone.png') });
      await context.close();
    },
  );

  it.runIf(haveTools)('is one self-contained file: every picture is a data: URI', () => {
    const html = readFileSync(sheet, 'utf8');
    expect(html.match(/<img src="data:image\/jpeg;base64,/g)).toHaveLength(25);
    expect(html).not.toMatch(/<script|src="http|href="http|@import/);
  });
});
