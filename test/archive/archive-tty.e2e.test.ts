import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { parseStreamFleetSpec } from '../../src/emulator/stream-fleet-spec.js';
import { runCliUnderTty } from '../support/run-under-tty.js';

// The archive's live display on a real pseudo-terminal (`script -qc`): one line per active stream and a totals line.

const MIN = 60_000;
const nowMs = Math.floor(Date.now() / MIN) * MIN;
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({
    streams: parseStreamFleetSpec('cam[1-3]=h264,fragment=2s,span=1h'),
    quotas: false,
    // Slow GetClips keep every stream's line on screen for a while.
    faults: [{ op: 'GetClip', action: { kind: 'latency', ms: 700 } }],
  });
});
afterAll(async () => {
  await emulator.close();
});

function ttyEnv(cwd: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: cwd,
    TZ: 'UTC',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: emulator.region,
    AWS_CONFIG_FILE: '/nonexistent/c',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/c',
    KVS_CLIP_NOW: String(nowMs),
  };
}

describe('kvs-clip archive on a terminal', () => {
  it('draws one live line per active stream and a totals line, then the final totals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvs-clip-archive-tty-'));
    const args = [
      'archive',
      'cam1',
      'cam2',
      'cam3',
      '--segment',
      '1m',
      '--settle',
      '0',
      '--since',
      new Date(nowMs - 3 * MIN).toISOString(),
      '--state-dir',
      'state',
      '--no-pacing',
      '--concurrency',
      '3',
      '--endpoint-url',
      emulator.url,
    ];
    const result = await runCliUnderTty(args, { cwd: dir, env: ttyEnv(dir) });
    expect(result.code, result.output).toBe(0);
    // Live lines are redrawn in place (cursor up, clear): every stream had its own line while it was active.
    expect(result.output).toContain('\u001b[J');
    for (const stream of ['cam1', 'cam2', 'cam3']) expect(result.output).toMatch(new RegExp(`${stream}  \\S`));
    expect(result.output).toMatch(/\d+ segments \(0 empty\), .*\/s, 0 gaps, 0 failures/);
    expect(result.output).toMatch(/9 segments \(0 empty\)/);
  }, 120_000);
});
