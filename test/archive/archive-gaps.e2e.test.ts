import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { parseStreamFleetSpec } from '../../src/emulator/stream-fleet-spec.js';
import { jsonOf, runCli } from '../support/spawn-cli.js';

// `kvs-clip archive` over a camera that was offline: a whole segment without fragments is recorded as done with no
// file, a segment with a gap inside is written and its gap reported. Streams come from --streams-file, segments are
// selected by producer timestamps (--timestamps producer).

const MIN = 60_000;
const endMs = Math.floor(Date.now() / MIN) * MIN - 10 * MIN;
const sinceMs = endMs - 5 * MIN;
const iso = (ms: number): string => new Date(ms).toISOString();

type JsonSegment = { start: string; output: string | null; fragments: number; gaps: unknown[] };

let emulator: RunningEmulator;
const dir = mkdtempSync(join(tmpdir(), 'kvs-clip-archive-gaps-'));

beforeAll(async () => {
  // Offline for all of the second minute, and for 20 s in the middle of the fourth.
  const gaps = `gap=${iso(sinceMs + MIN)}/${iso(sinceMs + 2 * MIN)},gap=${iso(sinceMs + 3 * MIN + 20_000)}/${iso(sinceMs + 3 * MIN + 40_000)}`;
  emulator = await startEmulator({
    streams: parseStreamFleetSpec(`cam[1-2]=h264,fragment=2s,span=1h,end=${iso(endMs + MIN)},${gaps}`),
    quotas: false,
  });
  writeFileSync(join(dir, 'streams.txt'), '# the fleet\ncam1\n\ncam2\n');
}, 60_000);

afterAll(async () => {
  await emulator.close();
});

describe('kvs-clip archive over a camera that was offline', () => {
  it('records an empty segment as done with no file and writes a segment with a gap, reporting the gap', async () => {
    const result = await runCli(
      [
        'archive',
        '--streams-file',
        'streams.txt',
        '--segment',
        '1m',
        '--settle',
        '0',
        '--since',
        iso(sinceMs),
        '--timestamps',
        'producer',
        '--state-dir',
        'state',
        '-o',
        'video/{stream}/{start:%H%M}.mp4',
        '--no-pacing',
        '--json',
        '--endpoint-url',
        emulator.url,
      ],
      {
        cwd: dir,
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          HOME: dir,
          TZ: 'UTC',
          AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
          AWS_REGION: emulator.region,
          AWS_CONFIG_FILE: '/nonexistent/kvs-clip-test-config',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kvs-clip-test-credentials',
          KVS_CLIP_NOW: String(endMs),
        },
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const streams = (jsonOf(result) as { streams: { stream: string; segments: JsonSegment[] }[] }).streams;
    expect(streams.map((outcome) => outcome.stream)).toEqual(['cam1', 'cam2']);
    for (const outcome of streams) {
      const segments = outcome.segments;
      expect(segments.map((segment) => segment.start)).toEqual(
        Array.from({ length: 5 }, (_, i) => iso(sinceMs + i * MIN)),
      );
      const [first, empty, third, gapped, fifth] = segments;
      expect(empty).toMatchObject({ output: null, fragments: 0 });
      expect(
        existsSync(
          join(
            dir,
            'video',
            outcome.stream,
            iso(sinceMs + MIN)
              .slice(11, 16)
              .replace(':', '') + '.mp4',
          ),
        ),
      ).toBe(false);
      for (const whole of [first, third, fifth]) {
        expect(whole?.fragments).toBe(30);
        expect(whole?.gaps).toEqual([]);
        expect(existsSync(whole?.output ?? '')).toBe(true);
      }
      expect(gapped?.fragments).toBe(20);
      expect(gapped?.gaps).toHaveLength(1);
      expect(existsSync(gapped?.output ?? '')).toBe(true);
    }
    for (const stream of ['cam1', 'cam2']) {
      expect(result.stderr).toContain(`${stream}: Gap ${iso(sinceMs + 3 * MIN + 20_000).replace('.000Z', 'Z')} → `);
      expect(result.stderr).toContain(`${stream} ${iso(sinceMs + MIN).replace('.000Z', 'Z')} → `);
    }
    expect(result.stderr).toMatch(/empty \(no fragments\): done, no file/);
  }, 120_000);
});
