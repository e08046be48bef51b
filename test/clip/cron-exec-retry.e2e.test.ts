/**
 * `get --state S --exec CMD` through the BUILT CLI against a real emulator: a post-step that failed is owed, not
 * lost. Before the fix, the second run found the first run's output, reported it skipped without running the hook
 * and moved the cursor on, so the README's `--exec 'aws s3 cp {} …'` cron recipe silently lost that upload.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { parseStreamSpec } from '../../src/emulator/stream-spec.js';
import { runCli, type CliResult } from '../support/spawn-cli.js';

const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const endMs = Math.floor(Date.now() / MIN) * MIN - 10 * MIN;

let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-clip-cron-exec-'));
  emulator = await startEmulator({ streams: [parseStreamSpec(`cam=h264,span=1h,end=${iso(endMs)}`)], quotas: false });
});

afterAll(async () => {
  await emulator.close();
});

function cron(untilMs: number, exec: string): Promise<CliResult> {
  const args = ['get', 'cam', '--state', 'cam.state', '--since', iso(endMs - 30 * MIN), '--until', iso(untilMs)];
  return runCli([...args, '-o', 'seg_{start:%H%M%S}.mp4', '--exec', exec, '--endpoint-url', emulator.url, '-q'], {
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
  });
}

const hookLog = (): string[] =>
  existsSync(join(dir, 'hook.log')) ? readFileSync(join(dir, 'hook.log'), 'utf8').trim().split('\n') : [];

describe('get --state with --exec (post-steps are exactly once)', () => {
  it('retries a failed hook for the first file before the next window, and never runs a succeeded one again', async () => {
    const first = await cron(endMs - 20 * MIN, 'false');
    expect(first.code, first.stderr.toString()).toBe(8);
    const firstFile = join(
      dir,
      `seg_${iso(endMs - 30 * MIN)
        .slice(11, 19)
        .replaceAll(':', '')}.mp4`,
    );
    expect(existsSync(firstFile)).toBe(true);
    const owed = JSON.parse(readFileSync(join(dir, 'cam.state'), 'utf8')) as { pending?: { steps?: unknown[] } };
    expect(owed.pending?.steps).toEqual([{ id: 'exec', output: firstFile }]);

    const record = "echo {} >> '" + join(dir, 'hook.log') + "'";
    const second = await cron(endMs - 10 * MIN, record);
    expect(second.code, second.stderr.toString()).toBe(0);
    const afterSecond = hookLog();
    expect(afterSecond).toHaveLength(2);
    expect(afterSecond[0]).toBe(firstFile);
    expect(afterSecond[1]).not.toBe(firstFile);
    expect(existsSync(afterSecond[1] ?? '')).toBe(true);
    const state = JSON.parse(readFileSync(join(dir, 'cam.state'), 'utf8')) as { pending?: unknown };
    expect(state.pending).toBeUndefined();

    const third = await cron(endMs - 10 * MIN, record);
    expect(third.code, third.stderr.toString()).toBe(0);
    expect(hookLog()).toEqual(afterSecond);
  });
});
