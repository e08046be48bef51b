import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoStreams } from '../../src/emulator/demo-streams.js';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { BIN } from './run-built-cli.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  // Slow GetClip bodies keep the download running long enough to interrupt it mid-part.
  emulator = await startEmulator({
    streams: demoStreams(Date.now()),
    quotas: false,
    faults: [{ op: 'GetClip', action: { kind: 'bandwidth', bytesPerSecond: 50_000 } }],
  });
});
afterAll(async () => {
  await emulator.close();
});

/** Start `get`, wait for its first part-start event, send `signal`, and time how long it takes to exit. */
async function interrupt(signal: 'SIGINT' | 'SIGTERM') {
  const dir = mkdtempSync(join(tmpdir(), 'kvs-clip-cancel-'));
  const child = spawn(
    process.execPath,
    [BIN, 'get', 'demo', '--last', '20m', '-o', 'out.mp4', '--log-format', 'json', '--endpoint-url', emulator.url],
    {
      cwd: dir,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: dir,
        TZ: 'UTC',
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_REGION: emulator.region,
        AWS_CONFIG_FILE: '/nonexistent/c',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/c',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  let signalledAt = 0;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (signalledAt === 0 && stderr.includes('"type":"part-start"')) {
      signalledAt = Date.now();
      child.kill(signal);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stderr, exitMs: Date.now() - signalledAt, signalled: signalledAt !== 0, files: readdirSync(dir) };
}

describe('cancellation', () => {
  it('stops promptly on SIGINT with exit 130 and never leaves a file under the final name', async () => {
    const result = await interrupt('SIGINT');
    expect(result.signalled).toBe(true);
    expect(result.code).toBe(130);
    // Under the 3 s forced-exit grace (process-io.ts): the command itself stopped and cleaned up.
    expect(result.exitMs).toBeLessThan(2_500);
    expect(result.stderr).toContain('kvs-clip: Cancelled by SIGINT\n');
    expect(result.files).not.toContain('out.mp4');
  });

  it('exits 143 on SIGTERM', async () => {
    const result = await interrupt('SIGTERM');
    expect(result.code).toBe(143);
    expect(result.files).not.toContain('out.mp4');
  });
});
