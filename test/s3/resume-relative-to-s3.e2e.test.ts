/**
 * The README's resume promise for a relative range written to a fixed S3 key: `get cam1 --since 3h -o
 * s3://bkt/cam1.mp4` is interrupted mid-download and the identical command is run again later, when "3h" means
 * another window. The object's resume manifest lives in its scratch folder, not beside the output, and the rerun
 * must still find it, continue the window the interrupted run resolved (and say so), and complete the object an
 * uninterrupted run of that window writes. Real emulator and s3rver on 127.0.0.1, no mocks.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { createS3Client } from '../../src/s3/s3-client.js';
import { startTestS3, type TestS3 } from '../support/s3rver.js';
import { jsonOf, killSpawnedClis, runCli, startCli, type CliResult } from '../support/spawn-cli.js';

const HOUR_MS = 3_600_000;
const CAM = 'cam1';
let emu: RunningEmulator;
let s3: TestS3;
let client: S3Client;
const dirs: string[] = [];

beforeAll(async () => {
  // A live stream ending now (real clock), slowed a little per GetClip so an interrupt lands mid-download.
  emu = await startEmulator({
    streams: [{ name: CAM, source: { preset: 'h264' }, fragmentSeconds: 10, spanMs: 3.5 * HOUR_MS, live: true }],
    seed: 14,
    quotas: false,
    caps: { maxFragments: 60 },
    faults: [{ op: 'GetClip', action: { kind: 'latency', ms: 250 } }],
  });
  s3 = await startTestS3({ buckets: ['bkt'] });
  client = createS3Client({ endpointUrl: s3.url, region: 'us-east-1', credentials: s3.credentials });
});

afterAll(async () => {
  killSpawnedClis();
  client.destroy();
  await s3.close();
  await emu.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function workDir(): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kvs-clip-s3-relative-'));
  dirs.push(dir);
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    TZ: 'UTC',
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: 'us-east-1',
    // The emulator accepts any access key by default; s3rver wants its own.
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3.url,
    KVS_CLIP_STAGING_DIR: join(dir, 'staging'),
  };
  return { dir, env };
}

async function committedParts(staging: string): Promise<number> {
  try {
    const entries = await readdir(staging, { recursive: true });
    const manifest = entries.find((entry) => entry.endsWith('object.kvsclip.json'));
    if (manifest === undefined) return 0;
    const parsed = JSON.parse(await readFile(join(staging, manifest), 'utf8')) as { committedParts?: number };
    return parsed.committedParts ?? 0;
  } catch {
    return 0; // not written yet, or being renamed into place
  }
}

async function interruptAfter(
  args: readonly string[],
  where: { dir: string; env: Record<string, string> },
  parts: number,
): Promise<CliResult> {
  const cli = startCli(args, { cwd: where.dir, env: where.env });
  let exited = false;
  void cli.done.then(() => (exited = true));
  const until = Date.now() + 90_000;
  while (!exited && Date.now() < until && (await committedParts(join(where.dir, 'staging'))) < parts)
    await new Promise((resolve) => setTimeout(resolve, 20));
  if (!exited) cli.child.kill('SIGINT');
  return cli.done;
}

async function objectSha256(key: string): Promise<string> {
  const reply = await client.send(new GetObjectCommand({ Bucket: 'bkt', Key: key }));
  if (reply.Body === undefined) throw new Error('no body');
  return createHash('sha256')
    .update(await reply.Body.transformToByteArray())
    .digest('hex');
}

type Doc = { window: { start: string; end: string }; parts: { resumed?: boolean }[]; s3: { sha256: string }[] };

describe('resume of a relative range into a fixed S3 key', () => {
  it('after SIGINT mid-download, the identical "--since 3h" command continues the interrupted window and completes the object of an uninterrupted run', async () => {
    const where = await workDir();
    const args = ['get', CAM, '--since', '3h', '--no-pacing', '--endpoint-url', emu.url];
    args.push('-o', 's3://bkt/{stream}/latest.mp4');
    const killed = await interruptAfter(args, where, 2);
    const context = `interrupted: exit ${String(killed.code)}\n${killed.stderr}`;
    expect(killed.code, context).toBe(130);
    expect(await committedParts(join(where.dir, 'staging')), context).toBeGreaterThanOrEqual(2);
    // "3h" now ends later than it did for the interrupted run.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const rerun = await runCli([...args, '--json'], { cwd: where.dir, env: where.env });
    expect(rerun.code, `${context}\nrerun:\n${rerun.stderr}`).toBe(0);
    expect(rerun.stderr).toMatch(
      /Continuing the interrupted download into s3:\/\/bkt\/cam1\/latest\.mp4: --since "3h" as resolved then/,
    );
    const doc = jsonOf(rerun) as Doc;
    expect(doc.parts.filter((part) => part.resumed === true).length).toBeGreaterThanOrEqual(2);

    const fixed = ['get', CAM, '--since', doc.window.start, '--until', doc.window.end, '--no-pacing'];
    fixed.push('--endpoint-url', emu.url, '-o', 's3://bkt/reference.mp4', '--json');
    const reference = await runCli(fixed, { cwd: where.dir, env: where.env });
    expect(reference.code, reference.stderr).toBe(0);
    const expected = (jsonOf(reference) as Doc).s3[0]?.sha256;
    expect(doc.s3[0]?.sha256).toBe(expected);
    expect(await objectSha256('cam1/latest.mp4')).toBe(expected);
  }, 240_000);
});
