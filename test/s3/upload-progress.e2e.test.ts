import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/s3/s3-client.js';
import { s3CliEnv } from '../support/s3-cli.js';
import { startTestS3, type TestS3 } from '../support/s3rver.js';
import { runCli } from '../support/spawn-cli.js';

const MIB = 1024 * 1024;
const END_MS = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const WINDOW = ['--from', iso(END_MS - 30 * 60_000), '--to', iso(END_MS)];
// An hour (~26 MB, ten GetClip calls) leaves several 5 MiB parts behind the held-back head, so the first one is sent
// while GetClips are still due; 30 minutes (~13 MB) had one, which could go up just after the last part-done.
const LONG_WINDOW = ['--from', iso(END_MS - 60 * 60_000), '--to', iso(END_MS)];

let s3: TestS3;
let client: S3Client;
let dir: string;
const env = () => s3CliEnv(s3, dir, { KVS_CLIP_NOW: iso(END_MS + 60_000), KVS_CLIP_S3_PART_BYTES: String(5 * MIB) });

beforeAll(async () => {
  s3 = await startTestS3({ buckets: ['bkt'] });
  client = createS3Client({ endpointUrl: s3.url, region: 'us-east-1', credentials: s3.credentials });
});
afterAll(async () => {
  client.destroy();
  await s3.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-clip-upload-progress-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('upload progress of get -o s3://', () => {
  it('--log-format json has upload-part events (the head last) and one upload-done with the object size', async () => {
    const result = await runCli(
      ['get', 'demo', '--local', ...LONG_WINDOW, '-o', 's3://bkt/events.mp4', '--log-format', 'json'],
      {
        cwd: dir,
        env: env(),
      },
    );
    expect(result.code, String(result.stderr)).toBe(0);
    const events = String(result.stderr)
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const parts = events.filter((event) => event['type'] === 'upload-part');
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts.at(-1)).toMatchObject({ uri: 's3://bkt/events.mp4', partNumber: 1 });
    const head = await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'events.mp4' }));
    const done = events.filter((event) => event['type'] === 'upload-done');
    expect(done).toEqual([expect.objectContaining({ uri: 's3://bkt/events.mp4', sizeBytes: head.ContentLength })]);
    const sent = parts.reduce((sum, event) => sum + Number(event['sizeBytes']), 0);
    expect(sent).toBe(head.ContentLength);
    // Downloads and uploads interleave: a part was uploaded before the last GetClip finished.
    const lastDownload = events.map((event) => event['type']).lastIndexOf('part-done');
    expect(events.indexOf(parts[0] ?? {})).toBeLessThan(lastDownload);
  });

  it('prints upload lines with bytes, rate and ETA beside the download lines when stderr is not a terminal', async () => {
    const result = await runCli(['get', 'demo', '--local', ...WINDOW, '-o', 's3://bkt/human.mp4'], {
      cwd: dir,
      env: env(),
    });
    expect(result.code, String(result.stderr)).toBe(0);
    const stderr = String(result.stderr);
    expect(stderr).toMatch(/\[part \d+\/\d+\] downloaded/);
    expect(stderr).toMatch(
      /\[upload\] part \d+ of s3:\/\/bkt\/human\.mp4 sent: [\d.]+ [kMG]?B sent, [\d.]+ [kMG]?B\/s, ETA /,
    );
    expect(stderr).toMatch(/\[upload\] s3:\/\/bkt\/human\.mp4: complete, [\d.]+ [kMG]?B/);
  });
});
