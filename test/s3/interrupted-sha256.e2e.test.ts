/**
 * A `get -o s3://` cut after its object was complete but before the object's SHA-256 was stored: during the
 * read-back (Ctrl-C) or during the metadata copy (SIGKILL). The object is there and correct but has no
 * `x-amz-meta-sha256`; the rerun of the same command must finish just that step (no GetClip, exit 0), store the
 * right digest and remove the scratch folder (docs/s3.md, "Integrity"). Real emulator, real s3rver, the built CLI.
 */
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoStreams } from '../../src/emulator/demo-streams.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { createS3Client } from '../../src/s3/s3-client.js';
import { objectBytes, s3CliEnv, sha256Hex } from '../support/s3-cli.js';
import { startTestS3, type TestS3 } from '../support/s3rver.js';
import { killSpawnedClis, runCli, startCli } from '../support/spawn-cli.js';

const MIB = 1024 * 1024;
const END_MS = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

let s3: TestS3;
let client: S3Client;
let emulator: RunningEmulator;
/** One stream of 12× the demo's bitrate with a gap in the middle: `--gaps split` makes two multipart objects. */
let gappy: RunningEmulator;
const GAP = { from: END_MS - 12 * 60_000, to: END_MS - 10 * 60_000 };
let dir: string;
let reference: string;

// 5 MiB parts: an hour of the demo stream is a multipart object whose head is read back for its SHA-256.
const env = () => s3CliEnv(s3, dir, { KVS_CLIP_S3_PART_BYTES: String(5 * MIB) });
const hourTo = (key: string, ...extra: string[]) => [
  'get',
  'demo',
  '--from',
  iso(END_MS - 60 * 60_000),
  '--to',
  iso(END_MS),
  '--endpoint-url',
  emulator.url,
  '-o',
  `s3://bkt/${key}`,
  ...extra,
];

async function head(key: string) {
  return client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: key }));
}

async function stored(key: string): Promise<boolean> {
  return head(key).then(
    () => true,
    () => false,
  );
}

/** A GetClip request's start (its TimestampRange, epoch seconds on the wire). */
function clipStartMs(entry: { body: unknown }): number {
  const body = entry.body as { ClipFragmentSelector?: { TimestampRange?: { StartTimestamp?: number } } };
  return Number(body.ClipFragmentSelector?.TimestampRange?.StartTimestamp) * 1000;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Requests for `key` itself (no upload id, no part number): the read-back GET, the copy PUT, HEADs. */
const onKey = (key: string, method: string) => (request: { method: string; url: string }) =>
  request.method === method && request.url.split('?')[0] === `/bkt/${key}` && !request.url.includes('uploadId=');

/** Runs until `step` reaches the server (held there, unanswered), then stops the run with `signal`. */
async function cutAt(
  key: string,
  step: { method: string; signal: NodeJS.Signals },
  args: readonly string[] = hourTo(key),
): Promise<void> {
  const fault = { match: onKey(key, step.method), times: 1, status: 0, code: '' };
  s3.faults.push(fault);
  const run = startCli(args, { cwd: dir, env: env() });
  await waitFor(() => fault.times === 0, `the ${step.method} of ${key}`);
  run.child.kill(step.signal);
  const result = await run.done;
  expect(result.code, result.stderr).not.toBe(0);
  s3.faults.length = 0;
}

beforeAll(async () => {
  s3 = await startTestS3({ buckets: ['bkt'] });
  client = createS3Client({ endpointUrl: s3.url, region: 'us-east-1', credentials: s3.credentials });
  emulator = await startEmulator({ streams: demoStreams(END_MS + 60_000) });
  gappy = await startEmulator({
    streams: [
      {
        name: 'gappy',
        source: { preset: 'h264' },
        fragmentSeconds: 2,
        spanMs: 22 * 60_000,
        endMs: END_MS,
        bitrate: 12,
        gaps: [{ from: { atMs: GAP.from }, to: { atMs: GAP.to } }],
      },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'kvs-clip-s3-sha-'));
  const run = await runCli(hourTo('reference.mp4'), { cwd: dir, env: env() });
  await rm(dir, { recursive: true, force: true });
  if (run.code !== 0) throw new Error(`reference run failed: ${run.stderr}`);
  reference = sha256Hex(await objectBytes(client, 'bkt', 'reference.mp4'));
}, 240_000);
afterAll(async () => {
  client.destroy();
  await emulator.close();
  await gappy.close();
  await s3.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-clip-s3-sha-'));
  s3.faults.length = 0;
});
afterEach(async () => {
  killSpawnedClis();
  await rm(dir, { recursive: true, force: true });
});

describe('a get to S3 cut before its SHA-256 was stored', () => {
  for (const step of [
    { what: 'the read-back (Ctrl-C)', method: 'GET', signal: 'SIGINT' as const },
    { what: 'the metadata copy (SIGKILL)', method: 'PUT', signal: 'SIGKILL' as const },
  ]) {
    it(`is finished by the rerun after a cut during ${step.what}: no GetClip, the digest stored, no scratch left`, async () => {
      const key = `cut-${step.method.toLowerCase()}.mp4`;
      await cutAt(key, step);
      // Complete and correct already, without its digest: what the rerun has to mend.
      expect((await head(key)).Metadata?.['sha256']).toBeUndefined();
      expect(sha256Hex(await objectBytes(client, 'bkt', key))).toBe(reference);

      emulator.log.clear();
      const rerun = await runCli([...hourTo(key), '--json'], { cwd: dir, env: env() });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stderr).toContain('was completed by the interrupted run');
      expect(emulator.log.ofOp('GetClip')).toEqual([]);
      const after = await head(key);
      expect(after.Metadata?.['sha256']).toBe(reference);
      expect(after.Metadata?.['stream']).toBe('demo');
      expect(sha256Hex(await objectBytes(client, 'bkt', key))).toBe(reference);
      const json = JSON.parse(rerun.stdout.toString()) as { s3?: { key: string; sha256: string; etag: string }[] };
      expect(json.s3?.map((object) => [object.key, object.sha256, object.etag])).toEqual([
        [key, reference, after.ETag],
      ]);
      expect(await readdir(join(dir, 'staging'))).toEqual([]);

      // Done for good: the next run of the same command is the usual "already exists".
      const again = await runCli(hourTo(key), { cwd: dir, env: env() });
      expect(again.code, again.stderr).toBe(7);
    }, 240_000);
  }

  it('refuses the key as usual when the object was replaced after the cut', async () => {
    const key = 'replaced.mp4';
    await cutAt(key, { method: 'GET', signal: 'SIGINT' });
    // Someone else's object under the key now (same key, other bytes): not the one the state recorded.
    await client.send(
      new PutObjectCommand({ Bucket: 'bkt', Key: key, Body: 'not a video', ContentType: 'text/plain' }),
    );
    emulator.log.clear();
    const rerun = await runCli(hourTo(key), { cwd: dir, env: env() });
    expect(rerun.code, rerun.stderr).toBe(7);
    expect(rerun.stderr).not.toContain('was completed by the interrupted run');
    expect(emulator.log.ofOp('GetClip')).toEqual([]);
    expect((await objectBytes(client, 'bkt', key)).toString()).toBe('not a video');
  }, 240_000);

  it('finishes the cut run of --gaps split and uploads the runs after it, fetching none of the finished run again', async () => {
    const args = [
      'get',
      'gappy',
      '--from',
      iso(END_MS - 20 * 60_000),
      '--to',
      iso(END_MS),
      '--endpoint-url',
      gappy.url,
      '--gaps',
      'split',
      '-o',
      's3://bkt/runs/{index:02}.mp4',
    ];
    await cutAt('runs/01.mp4', { method: 'GET', signal: 'SIGINT' }, args);
    expect(await stored('runs/02.mp4')).toBe(false);

    gappy.log.clear();
    const rerun = await runCli(args, { cwd: dir, env: env() });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('s3://bkt/runs/01.mp4 was completed by the interrupted run');
    const starts = gappy.log.ofOp('GetClip').map(clipStartMs);
    expect(starts.length).toBeGreaterThan(0);
    expect(
      starts.every((startMs) => startMs >= GAP.to - 2_000),
      starts.map(iso).join(' '),
    ).toBe(true);
    for (const key of ['runs/01.mp4', 'runs/02.mp4']) {
      const digest = sha256Hex(await objectBytes(client, 'bkt', key));
      expect((await head(key)).Metadata?.['sha256'], key).toBe(digest);
    }
    expect(await readdir(join(dir, 'staging'))).toEqual([]);
  }, 240_000);
});
