/**
 * A connection reset during a GetClip download, through the BUILT CLI against the bundled emulator on 127.0.0.1:
 * reset before the answer's headers (the SDK's HTTP handler relabels that socket error "TimeoutError") and reset
 * in the middle of the body. Both are retried, and the retry lines name the real cause (docs/pipeline.md,
 * src/download/describe-failure.ts), never a read timeout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { clientEmulatorOptions } from '../support/client-emulator-options.js';
import { runBuiltCli } from '../cli/run-built-cli.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const END = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;

let emulator: RunningEmulator;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kvs-clip-reset-'));
  emulator = await startEmulator({
    ...clientEmulatorOptions(),
    quotas: false,
    streams: ['plain', 'json'].map((name) => ({
      name,
      source: { preset: 'h264' as const },
      fragmentSeconds: 1,
      spanMs: 10 * 60_000,
      endMs: END,
    })),
    // Each stream's first GetClip is reset before a byte of its answer (no headers), the second 2000 bytes into
    // its body.
    faults: ['plain', 'json'].flatMap((stream) => [
      { op: 'GetClip', stream, nth: 1, action: { kind: 'reset' as const, afterBytes: 0 } },
      { op: 'GetClip', stream, nth: 2, action: { kind: 'reset' as const, afterBytes: 2000 } },
    ]),
  });
});
afterAll(async () => {
  await emulator.close();
  rmSync(root, { recursive: true, force: true });
});

type Event = { readonly type: string; readonly message?: string; readonly errorName?: string };

describe('a connection reset during a download', () => {
  it('is retried and reported as a connection reset, before the headers and mid-body alike', async () => {
    const dir = mkdtempSync(join(root, 'run-'));
    const range = ['--since', iso(END - 5 * 60_000), '--until', iso(END), '--endpoint-url', emulator.url];
    // runBuiltCli keeps a developer's ~/.aws out (HOME is the run's folder).
    const env = {
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    };
    const plain = await runBuiltCli(['get', 'plain', ...range, '-o', 'plain.mp4'], { cwd: dir, env });
    expect(plain.code, plain.stderr).toBe(0);
    const retryLines = plain.stderr.split('\n').filter((line) => line.includes('Retrying'));
    expect(retryLines).toHaveLength(2);
    for (const line of retryLines) expect(line).toContain('connection reset by the server');
    expect(plain.stderr).not.toContain('--read-timeout');

    const json = await runBuiltCli(['get', 'json', ...range, '-o', 'json.mp4', '--log-format', 'json'], {
      cwd: dir,
      env,
    });
    expect(json.code, json.stderr).toBe(0);
    const retries = json.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Event)
      .filter((event) => event.type === 'retry');
    expect(retries.map((event) => event.errorName)).toEqual(['ECONNRESET', 'ECONNRESET']);
  });
});
