import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { parseStreamFleetSpec } from '../../src/emulator/stream-fleet-spec.js';
import { createS3Client } from '../../src/s3/s3-client.js';
import { objectBytes, s3CliEnv } from '../support/s3-cli.js';
import { startTestS3, type TestS3 } from '../support/s3rver.js';
import { jsonOf, runCli } from '../support/spawn-cli.js';

// `kvs-clip archive -o s3://… --state-dir s3://…` against the emulator and a real s3rver. Every run gets a fresh
// home and staging folder (a fresh container): only the state objects in S3 carry the cursor between runs.

const MIN = 60_000;
const nowMs = Math.floor(Date.now() / MIN) * MIN;
const firstRunMs = nowMs - 20 * MIN;
const iso = (ms: number): string => new Date(ms).toISOString();

type JsonStream = {
  stream: string;
  status: string;
  cursor: string;
  segments: { start: string; output: string; fragments: number }[];
};

let emulator: RunningEmulator;
let s3: TestS3;

beforeAll(async () => {
  // The stream ends on a whole minute, so its 2 s fragments sit on the minute grid: with the emulator's server-time
  // jitter (< 40 ms, added) a fragment never crosses a segment boundary. Ending at the emulator's start instead put
  // the grid anywhere, and one start in fifty was within the jitter of a boundary (a 29- and a 31-fragment segment).
  emulator = await startEmulator({
    streams: parseStreamFleetSpec(`cam[1-3]=h264,fragment=2s,span=1h,end=${iso(nowMs)}`),
    quotas: false,
  });
  s3 = await startTestS3({ buckets: ['fleet'] });
});

afterAll(async () => {
  await emulator.close();
  await s3.close();
});

async function archive(atMs: number): Promise<JsonStream[]> {
  const home = mkdtempSync(join(tmpdir(), 'kvs-clip-archive-s3-'));
  const result = await runCli(
    [
      'archive',
      '--prefix',
      'cam',
      '--segment',
      '1m',
      '--settle',
      '0',
      '--since',
      iso(firstRunMs - 2 * MIN),
      '--state-dir',
      's3://fleet/state',
      '-o',
      's3://fleet/video/{stream}/{start:%H%M}-{end:%H%M}.mp4',
      '--no-pacing',
      '--json',
      '--endpoint-url',
      emulator.url,
    ],
    { cwd: home, env: s3CliEnv(s3, home, { KVS_CLIP_NOW: String(atMs) }) },
  );
  expect(result.code, result.stderr).toBe(0);
  return (jsonOf(result) as { streams: JsonStream[] }).streams;
}

describe('kvs-clip archive to S3', () => {
  it('writes one object per segment and one state object per stream, continuing across fresh containers', async () => {
    const first = await archive(firstRunMs);
    const second = await archive(firstRunMs + 3 * MIN);
    const third = await archive(firstRunMs + 3 * MIN);
    const client = createS3Client({ endpointUrl: s3.url, region: 'us-east-1', credentials: s3.credentials });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'fleet' }));
    const keys = (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
    expect(keys.filter((key) => key.startsWith('state/'))).toEqual([
      'state/cam1.state.json',
      'state/cam2.state.json',
      'state/cam3.state.json',
    ]);
    for (const stream of ['cam1', 'cam2', 'cam3']) {
      const segments = [...first, ...second].filter((o) => o.stream === stream).flatMap((o) => o.segments);
      // Two segments before the first run's clock, then the three the second run found: consecutive, none twice.
      expect(segments.map((segment) => segment.start)).toEqual(
        Array.from({ length: 5 }, (_, i) => iso(firstRunMs - 2 * MIN + i * MIN)),
      );
      for (const segment of segments) {
        expect(segment.fragments).toBe(30);
        const key = segment.output.replace('s3://fleet/', '');
        expect(keys).toContain(key);
        const bytes = await objectBytes(client, 'fleet', key);
        expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
      }
      expect(third.find((o) => o.stream === stream)?.segments).toEqual([]);
      const state = JSON.parse((await objectBytes(client, 'fleet', `state/${stream}.state.json`)).toString()) as {
        cursorMs: number;
        pending?: unknown;
      };
      expect(state.cursorMs).toBe(firstRunMs + 3 * MIN);
      expect(state.pending).toBeUndefined();
    }
    expect(keys.filter((key) => key.startsWith('video/'))).toHaveLength(15);
    client.destroy();
  }, 180_000);

  it('refuses --format fragmented with -o s3:// (exit 2) before any request', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kvs-clip-archive-s3-'));
    const args = ['archive', 'cam1', '--state-dir', 's3://fleet/state', '-o', 's3://fleet/{stream}/{start:%H%M}.mp4'];
    const before = s3.requests.length;
    const result = await runCli([...args, '--format', 'fragmented'], { cwd: home, env: s3CliEnv(s3, home) });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('--format fragmented cannot write to S3');
    expect(s3.requests.length).toBe(before);
  });

  it('refuses --state-dir s3:// with a local -o (exit 2)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kvs-clip-archive-s3-'));
    const result = await runCli(['archive', 'cam1', '--state-dir', 's3://fleet/state', '-o', 'x/{stream}.mp4'], {
      cwd: home,
      env: s3CliEnv(s3, home),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--state-dir s3://… needs -o s3://…');
  });
});
