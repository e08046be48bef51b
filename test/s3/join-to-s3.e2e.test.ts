import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/s3/s3-client.js';
import { decodeErrors, itMedia, packetHashes, readBoxes } from '../support/ffmpeg.js';
import { s3CliEnv } from '../support/s3-cli.js';
import { partRequests, startTestS3, type TestS3 } from '../support/s3rver.js';
import { jsonOf, runCli } from '../support/spawn-cli.js';

const MIB = 1024 * 1024;
const END_MS = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const FIXTURES = ['h264-0.mp4', 'h264-1.mp4', 'h264-2.mp4', 'h264-3.mp4'].map((name) =>
  join(import.meta.dirname, '../fixtures', name),
);

let s3: TestS3;
let client: S3Client;
let dir: string;

const env = (extra: Record<string, string> = {}) =>
  s3CliEnv(s3, dir, { KVS_CLIP_NOW: iso(END_MS + 60_000), KVS_CLIP_S3_PART_BYTES: String(5 * MIB), ...extra });
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function objectBytes(key: string): Promise<Buffer> {
  const reply = await client.send(new GetObjectCommand({ Bucket: 'bkt', Key: key }));
  if (reply.Body === undefined) throw new Error('no body');
  return Buffer.from(await reply.Body.transformToByteArray());
}

/** The local clips of a 30 min window of the demo stream, one per GetClip call (several MiB in all). */
async function demoClips(): Promise<string[]> {
  const window = ['--from', iso(END_MS - 30 * 60_000), '--to', iso(END_MS)];
  const split = await runCli(
    ['get', 'demo', '--local', ...window, '--split', '-o', 'clips/{index:03}.mp4', '--mkdir'],
    {
      cwd: dir,
      env: env(),
    },
  );
  expect(split.code, split.stderr).toBe(0);
  const names = (await readdir(join(dir, 'clips'))).filter((name) => name.endsWith('.mp4')).sort();
  return names.map((name) => join(dir, 'clips', name));
}

beforeAll(async () => {
  s3 = await startTestS3({ buckets: ['bkt'] });
  client = createS3Client({ endpointUrl: s3.url, region: 'us-east-1', credentials: s3.credentials });
});
afterAll(async () => {
  client.destroy();
  await s3.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-clip-join-s3-'));
  s3.requests.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('join -o s3://', () => {
  itMedia(
    'streams the same bytes as a local join in several parts: same packets, moov before mdat, ffprobe clean',
    async () => {
      const clips = await demoClips();
      const local = await runCli(['join', ...clips, '-o', 'local.mp4'], { cwd: dir, env: env() });
      expect(local.code, local.stderr).toBe(0);
      const localBytes = await readFile(join(dir, 'local.mp4'));
      expect(localBytes.length).toBeGreaterThan(10 * MIB);
      s3.requests.length = 0;
      const remote = await runCli(['join', ...clips, '-o', 's3://bkt/joined/demo.mp4', '--json'], {
        cwd: dir,
        env: env(),
      });
      expect(remote.code, remote.stderr).toBe(0);
      const requests = [...s3.requests];
      expect(partRequests(requests).length).toBeGreaterThanOrEqual(2);
      const object = await objectBytes('joined/demo.mp4');
      expect(sha256(object)).toBe(sha256(localBytes));
      const file = join(dir, 'from-s3.mp4');
      await writeFile(file, object);
      const top = readBoxes(file).map((box) => box.type);
      expect(top.indexOf('moov')).toBeLessThan(top.indexOf('mdat'));
      expect(await packetHashes(file, 'v')).toEqual(await packetHashes(join(dir, 'local.mp4'), 'v'));
      expect(await decodeErrors(file)).toEqual([]);
      const json = jsonOf(remote);
      expect(json['outputs']).toEqual(['s3://bkt/joined/demo.mp4']);
      const head = await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'joined/demo.mp4' }));
      expect(head.ContentType).toBe('video/mp4');
      expect(head.Metadata).toMatchObject({ clips: String(clips.length), sha256: sha256(object) });
      expect(json['s3']).toEqual([
        expect.objectContaining({
          bucket: 'bkt',
          key: 'joined/demo.mp4',
          bytes: object.length,
          sha256: sha256(object),
          sha256Stored: true,
          etag: head.ETag,
        }),
      ]);
      // Hashed while streaming (every byte came in order): the object is not read back.
      expect(requests.filter((request) => request.method === 'GET')).toEqual([]);
      expect(await readdir(join(dir, 'staging')).catch(() => [])).toEqual([]);
    },
  );

  it('sends a small join in one PutObject, refuses the existing object with exit 7 and overwrites it with --force', async () => {
    const first = await runCli(['join', ...FIXTURES, '-o', 's3://bkt/small.mp4'], { cwd: dir, env: env() });
    expect(first.code, first.stderr).toBe(0);
    expect(String(first.stdout)).toBe('s3://bkt/small.mp4\n');
    const local = await runCli(['join', ...FIXTURES, '-o', 'small.mp4'], { cwd: dir, env: env() });
    expect(local.code, local.stderr).toBe(0);
    expect(sha256(await objectBytes('small.mp4'))).toBe(sha256(await readFile(join(dir, 'small.mp4'))));
    expect(partRequests(s3.requests)).toEqual([]);
    s3.requests.length = 0;
    const again = await runCli(['join', ...FIXTURES, '-o', 's3://bkt/small.mp4'], { cwd: dir, env: env() });
    expect(again.code).toBe(7);
    expect(again.stderr).toContain('s3://bkt/small.mp4 already exists');
    expect(s3.requests.filter((request) => request.method === 'PUT' || request.method === 'POST')).toEqual([]);
    const forced = await runCli(['join', ...FIXTURES.slice(0, 2), '-o', 's3://bkt/small.mp4', '--force'], {
      cwd: dir,
      env: env(),
    });
    expect(forced.code, forced.stderr).toBe(0);
    expect((await objectBytes('small.mp4')).length).toBeLessThan((await readFile(join(dir, 'small.mp4'))).length);
  });

  it('refuses --split-on-change and --format fmp4 to S3 as usage errors', async () => {
    for (const flag of ['--split-on-change', '--format=fmp4']) {
      const result = await runCli(['join', ...FIXTURES, '-o', 's3://bkt/x.mp4', flag], { cwd: dir, env: env() });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('S3');
    }
  });
});
