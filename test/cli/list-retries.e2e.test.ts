import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { clientEmulatorOptions } from '../support/client-emulator-options.js';
import { runBuiltCli } from './run-built-cli.js';

// `list` and `streams` retry like `get` does, with the same --retries budget: the emulator fails the first calls.
const MIN = 60_000;
const nowMs = Math.floor(Date.now() / 1000) * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

let emulator: RunningEmulator;
let dir: string;
beforeAll(async () => {
  const stream = { source: { preset: 'h264' as const }, fragmentSeconds: 2, spanMs: 10 * MIN, endMs: nowMs - MIN };
  emulator = await startEmulator({
    ...clientEmulatorOptions(),
    streams: [
      { name: 'flaky', ...stream },
      { name: 'down', ...stream },
    ],
    faults: [
      { op: 'ListFragments', stream: 'flaky', nth: 1, action: { kind: 'error', name: 'InternalFailure' } },
      { op: 'ListFragments', stream: 'down', action: { kind: 'error', name: 'InternalFailure' } },
      { op: 'ListStreams', nth: [1, 2], action: { kind: 'error', name: 'InternalFailure' } },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'kvs-clip-list-retries-'));
});
afterAll(async () => {
  await emulator.close();
});

const cli = (...args: string[]) =>
  runBuiltCli([...args, '--endpoint-url', emulator.url], {
    cwd: dir,
    env: {
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: emulator.region,
      KVS_CLIP_NOW: String(nowMs),
    },
  });
const range = `${iso(nowMs - 6 * MIN)}..${iso(nowMs - 2 * MIN)}`;

describe('list and streams share the retry budget of get', () => {
  it('lists a range after a failed ListFragments, saying so on stderr', async () => {
    const result = await cli('list', 'flaky', range);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/ListFragments/);
    expect(result.stdout).toMatch(/^Total 4m/m);
    expect(emulator.log.entries.filter((e) => e.op === 'ListFragments' && e.stream === 'flaky')).toHaveLength(2);
  });

  it('gives up after --retries attempts with the remote exit code', async () => {
    const result = await cli('list', 'down', range, '--retries', '2', '--json');
    expect(result.code).toBe(5);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: 'E_REMOTE' } });
    expect(emulator.log.entries.filter((e) => e.op === 'ListFragments' && e.stream === 'down')).toHaveLength(3);
  });

  it('retries ListStreams too, and --retries 0 sends it once', async () => {
    const once = await cli('streams', '--retries', '0');
    expect(once.code).toBe(5);
    const retried = await cli('streams', '--json');
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout).streams.map((s: { name: string }) => s.name)).toEqual(['down', 'flaky']);
    expect(emulator.log.entries.filter((e) => e.op === 'ListStreams')).toHaveLength(3);
  });
});
