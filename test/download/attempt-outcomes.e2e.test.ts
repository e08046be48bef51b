/**
 * Attempt outcomes through the BUILT CLI (docs/pipeline.md, "Attempt outcomes"): against the bundled emulator on
 * 127.0.0.1, a truncated GetClip answer is re-planned and a codec change is bisected without either counting as a
 * failed attempt (every run here has `--retries 0`, so one counted failure would end it with exit 5), and a codec
 * change that cannot be split around reports `E_CODEC_CHANGE`, while clips that cannot be joined report
 * `E_JOIN_MISMATCH` (both exit 6).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/emulator/faults.js';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import type { StreamSpec } from '../../src/emulator/stream-spec.js';
import { clientEmulatorOptions } from '../support/client-emulator-options.js';
import { frameSizes, itMedia, packetHashes } from '../support/ffmpeg.js';
import { jsonOf, killSpawnedClis, runCli, type CliResult } from '../support/spawn-cli.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const iso = (ms: number): string => new Date(ms).toISOString();

// 1 s fragments ending a minute ago; the range is 90 s ending 30 s before that.
const END = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
const RANGE = ['--since', iso(END - 120_000), '--until', iso(END - 30_000)];
/** GetClip returns at most this many fragments (the client plans 200): the first part of the range is truncated. */
const CAP_FRAGMENTS = 25;

const stream = (name: string, extra: Partial<StreamSpec> = {}): StreamSpec => ({
  name,
  source: { preset: 'h264' },
  fragmentSeconds: 1,
  spanMs: 10 * 60_000,
  endMs: END,
  ...extra,
});
const STREAMS: readonly StreamSpec[] = [
  stream('cam'),
  // Every GetClip of this stream is refused as a codec private data change: bisection ends at one fragment.
  stream('codec'),
  // A real codec configuration change 59.5 s into the range, inside the third 25-fragment part: that part is
  // bisected, then both configurations are joined.
  stream('cpd', { cpdChanges: [{ atMs: END - 60_500 }] }),
  stream('nocpd', { clipError: 'missing-codec-private-data' }),
  // The same change on a stream whose listing is denied: time windows, nothing to bisect by.
  stream('cpdlocked', { cpdChanges: [{ atMs: END - 60_500 }] }),
];
const FAULTS: readonly FaultSpec[] = [
  { op: 'ListFragments', stream: 'cpdlocked', action: { kind: 'error', name: 'NotAuthorizedException' } },
  { op: 'GetClip', stream: 'codec', action: { kind: 'error', name: 'InvalidCodecPrivateDataException', status: 400 } },
];

let capped: RunningEmulator;
let uncapped: RunningEmulator;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kvs-clip-outcomes-'));
  const common = { ...clientEmulatorOptions(), streams: STREAMS, seed: 7, quotas: false as const, faults: FAULTS };
  capped = await startEmulator({ ...common, caps: { maxFragments: CAP_FRAGMENTS } });
  uncapped = await startEmulator(common);
});
afterAll(async () => {
  killSpawnedClis();
  await capped.close();
  await uncapped.close();
  rmSync(root, { recursive: true, force: true });
});

type Event = { readonly type: string; readonly code?: string; readonly attempt?: number };

/** `kvs-clip … --json` in a fresh directory; with `--log-format json`, events are the NDJSON lines on stderr. */
async function run(args: readonly string[]): Promise<{ result: CliResult; dir: string; events: Event[] }> {
  const dir = mkdtempSync(join(root, 'run-'));
  const result = await runCli([...args, '--json'], {
    cwd: dir,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: dir,
      TZ: 'UTC',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent/kvs-clip-test-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kvs-clip-test-credentials',
    },
    timeoutMs: 120_000,
  });
  const events = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Event);
  return { result, dir, events };
}

function get(emulator: RunningEmulator, name: string): string[] {
  return [
    'get',
    name,
    ...RANGE,
    '--retries',
    '0',
    '--log-format',
    'json',
    '--endpoint-url',
    emulator.url,
    '-o',
    'out.mp4',
  ];
}

const warnings = (events: readonly Event[], code: string): Event[] =>
  events.filter((e) => e.type === 'warning' && e.code === code);

function errorOf(result: CliResult): { code: string; exitCode: number; message: string } {
  const document = jsonOf(result) as { ok: boolean; error: { code: string; exitCode: number; message: string } };
  expect(document.ok).toBe(false);
  return document.error;
}

describe('a GetClip attempt that comes back truncated or refused for a codec change', () => {
  itMedia('re-plans a truncated clip without counting a retry or a failed attempt, packets as uncapped', async () => {
    capped.log.clear();
    const { result, dir, events } = await run(get(capped, 'cam'));
    expect(result.code, result.stderr).toBe(0);
    const document = jsonOf(result) as { ok: boolean; retries: number; calls: number; parts: unknown[] };
    expect(document.ok).toBe(true);
    const truncated = warnings(events, 'part-truncated');
    expect(truncated.length).toBeGreaterThanOrEqual(1);
    expect(document.retries).toBe(0);
    expect(events.filter((e) => e.type === 'retry')).toEqual([]);
    expect(events.filter((e) => e.type === 'part-start').map((e) => e.attempt)).toEqual(
      Array.from({ length: events.filter((e) => e.type === 'part-start').length }, () => 0),
    );
    // Each truncated answer was one call, never sent again: the parts joined plus one call per truncation.
    const served = capped.log.ofOp('GetClip').filter((entry) => entry.status === 200);
    expect(served.length).toBe(document.parts.length + truncated.length);
    expect(document.calls).toBe(served.length);
    const reference = await run(get(uncapped, 'cam'));
    expect(reference.result.code, reference.result.stderr).toBe(0);
    expect(warnings(reference.events, 'part-truncated')).toEqual([]);
    expect(await packetHashes(join(dir, 'out.mp4'), 'v')).toEqual(
      await packetHashes(join(reference.dir, 'out.mp4'), 'v'),
    );
  });

  itMedia('bisects a part around a real codec change, without a retry, and the output holds both sizes', async () => {
    const { result, dir, events } = await run(get(capped, 'cpd'));
    expect(result.code, result.stderr).toBe(0);
    expect(warnings(events, 'part-bisected').length).toBeGreaterThanOrEqual(1);
    expect(events.filter((e) => e.type === 'retry')).toEqual([]);
    expect((jsonOf(result) as { retries: number }).retries).toBe(0);
    const sizes = new Set((await frameSizes(join(dir, 'out.mp4'))).map((run) => run.size));
    expect(sizes.size).toBe(2);
  });

  it('reports E_CODEC_CHANGE (exit 6) when a codec change cannot be split around, leaving no output', async () => {
    capped.log.clear();
    const { result, dir, events } = await run(get(capped, 'codec'));
    expect(result.code, result.stderr).toBe(6);
    const error = errorOf(result);
    expect(error).toMatchObject({ code: 'E_CODEC_CHANGE', exitCode: 6 });
    expect(error.message).toMatch(/^Part \d+: GetClip refuses the codec private data of fragment \d+ even on its own/);
    // 90 fragments → 45 → … → 1, said once: every split was an outcome, not a failed attempt (no retry, and each
    // refused range was asked for once).
    expect(warnings(events, 'part-bisected')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'retry')).toEqual([]);
    const refused = capped.log
      .ofOp('GetClip')
      .filter((entry) => entry.errorType === 'InvalidCodecPrivateDataException');
    expect(refused.length).toBeGreaterThanOrEqual(8);
    const ranges = refused.map((entry) => JSON.stringify(entry.body));
    expect(new Set(ranges).size).toBe(ranges.length);
    expect(existsSync(join(dir, 'out.mp4'))).toBe(false);
  });

  it('reports E_CODEC_CHANGE at once without a listing, where a time window spans the change', async () => {
    // Uncapped: the fallback's time windows have no exact truncation check (docs/planning.md, "Without a listing").
    const { result, dir, events } = await run(get(uncapped, 'cpdlocked'));
    expect(result.code, result.stderr).toBe(6);
    expect(warnings(events, 'list-fallback')).toHaveLength(1);
    const error = errorOf(result);
    expect(error).toMatchObject({ code: 'E_CODEC_CHANGE', exitCode: 6 });
    expect(error.message).toMatch(/a codec configuration change inside the range/);
    expect(existsSync(join(dir, 'out.mp4'))).toBe(false);
  });

  it('keeps E_MEDIA_UNSUPPORTED for a producer-side rejection (missing codec private data)', async () => {
    const { result, dir } = await run(get(capped, 'nocpd'));
    expect(result.code, result.stderr).toBe(6);
    expect(errorOf(result)).toMatchObject({ code: 'E_MEDIA_UNSUPPORTED', exitCode: 6 });
    expect(existsSync(join(dir, 'out.mp4'))).toBe(false);
  });

  it('reports E_JOIN_MISMATCH (exit 6), not E_CODEC_CHANGE, for clips that cannot be joined', async () => {
    const { result, dir } = await run(['join', fixture('h264-0.mp4'), fixture('h265-0.mp4'), '-o', 'out.mp4']);
    expect(result.code, result.stderr).toBe(6);
    const error = errorOf(result);
    expect(error).toMatchObject({ code: 'E_JOIN_MISMATCH', exitCode: 6 });
    expect(error.message).toMatch(/h264-0\.mp4.*h265-0\.mp4/);
    expect(existsSync(join(dir, 'out.mp4'))).toBe(false);
  });
});
