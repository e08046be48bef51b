/**
 * `get --split --skip-existing` through the BUILT CLI against a real emulator: the parts already on disk are
 * checked before their download and skipped. Before the fix every part was downloaded again and the run then
 * failed with "already exists … pass --skip-existing".
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { parseStreamSpec } from '../../src/emulator/stream-spec.js';
import { jsonOf, runCli, type CliResult } from '../support/spawn-cli.js';

const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const endMs = Math.floor(Date.now() / MIN) * MIN - 10 * MIN;

let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-clip-split-skip-'));
  // 1 s fragments and GetClip's 200-fragment cap: the 8-minute window below is three parts.
  const spec = `cam=h264,fragment=1s,span=1h,end=${iso(endMs)}`;
  emulator = await startEmulator({ streams: [parseStreamSpec(spec)], quotas: false });
});

afterAll(async () => {
  await emulator.close();
});

function split(extra: readonly string[]): Promise<CliResult> {
  const window = ['--since', iso(endMs - 9 * MIN), '--until', iso(endMs - MIN)];
  return runCli(
    ['get', 'cam', ...window, '--split', '-o', 'p_{index}.mp4', '--json', ...extra, '--endpoint-url', emulator.url],
    {
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
      timeoutMs: 60_000,
    },
  );
}

const parts = (): string[] =>
  readdirSync(dir)
    .filter((name) => /^p_\d+\.mp4$/.test(name))
    .sort();

describe('get --split --skip-existing', () => {
  it('downloads only the parts that are missing and leaves the others untouched', async () => {
    const first = await split([]);
    expect(first.code, first.stderr.toString()).toBe(0);
    const names = parts();
    expect(names.length).toBeGreaterThanOrEqual(3);
    const kept = names[0] ?? '';
    const keptMtime = statSync(join(dir, kept)).mtimeMs;
    rmSync(join(dir, names[1] ?? ''));

    const second = await split(['--skip-existing']);
    expect(second.code, second.stderr.toString()).toBe(0);
    expect(parts()).toEqual(names);
    expect(jsonOf(second)['calls']).toBe(1);
    expect(statSync(join(dir, kept)).mtimeMs).toBe(keptMtime);

    const third = await split([]);
    expect(third.code).toBe(7);
    expect(third.stderr.toString()).toMatch(/already exists/);
  });
});
