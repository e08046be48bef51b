import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { parseStreamFleetSpec } from '../../src/emulator/stream-fleet-spec.js';
import { runBuiltCli } from '../cli/run-built-cli.js';

// `archive --shard`: processes side by side split a --prefix fleet with no coordination (dry runs: the selection is
// what is under test, the archiving itself is archive-once.e2e.test.ts).

let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({ streams: parseStreamFleetSpec('cam[1-30]=h264,span=10m'), quotas: false });
  dir = mkdtempSync(join(tmpdir(), 'kvs-clip-shard-'));
});

afterAll(async () => {
  await emulator.close();
});

const archive = (args: readonly string[], env: Record<string, string> = {}) =>
  runBuiltCli(
    [
      'archive',
      '--prefix',
      'cam',
      '--state-dir',
      'state',
      '--dry-run',
      '--json',
      '--endpoint-url',
      emulator.url,
      ...args,
    ],
    {
      cwd: dir,
      env: {
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_REGION: emulator.region,
        ...env,
      },
    },
  );

const streamsOf = (stdout: string): string[] =>
  (JSON.parse(stdout) as { streams: { stream: string }[] }).streams.map((entry) => entry.stream);

describe('kvs-clip archive --shard', () => {
  it('gives every stream to exactly one of three --shard K/3 processes run side by side', async () => {
    const runs = await Promise.all([0, 1, 2].map((k) => archive(['--shard', `${k}/3`])));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const shards = runs.map((run) => streamsOf(run.stdout));
    for (const streams of shards) expect(streams.length).toBeGreaterThan(0);
    const all = shards.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `cam${i + 1}`).sort());
  });

  it('reads the index from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX with --shard auto', async () => {
    const direct = streamsOf((await archive(['--shard', '1/3'])).stdout);
    const kubernetes = await archive(['--shard', 'auto', '--shards', '3'], { JOB_COMPLETION_INDEX: '1' });
    const batch = await archive(['--shard', 'auto', '--shards', '3'], { AWS_BATCH_JOB_ARRAY_INDEX: '1' });
    expect(kubernetes.code, kubernetes.stderr).toBe(0);
    expect(batch.code, batch.stderr).toBe(0);
    expect(streamsOf(kubernetes.stdout)).toEqual(direct);
    expect(streamsOf(batch.stdout)).toEqual(direct);
    const missing = await archive(['--shard', 'auto', '--shards', '3']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/JOB_COMPLETION_INDEX/);
  });

  it('refuses --shard auto with exit 2 naming both variables when the Kubernetes and Batch indices differ', async () => {
    const run = await archive(['--shard', 'auto', '--shards', '3'], {
      JOB_COMPLETION_INDEX: '1',
      AWS_BATCH_JOB_ARRAY_INDEX: '2',
    });
    expect(run.code, run.stderr).toBe(2);
    // --json: the error is the one document on stdout (stderr stays free of it).
    const { error } = JSON.parse(run.stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toBe(
      '--shard auto: JOB_COMPLETION_INDEX="1" and AWS_BATCH_JOB_ARRAY_INDEX="2" are both set and differ',
    );
    expect(error.hint).toMatch(/--shard K\/N/);
  });

  it('goes on with --shard auto when the Kubernetes and Batch indices agree', async () => {
    const direct = streamsOf((await archive(['--shard', '1/3'])).stdout);
    const run = await archive(['--shard', 'auto', '--shards', '3'], {
      JOB_COMPLETION_INDEX: '1',
      AWS_BATCH_JOB_ARRAY_INDEX: '1',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(streamsOf(run.stdout)).toEqual(direct);
  });
});
