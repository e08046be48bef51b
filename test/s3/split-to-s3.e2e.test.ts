import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { createS3Client } from '../../src/s3/s3-client.js';
import { decodeErrors, itMedia, packetHashes, readBoxes } from '../support/ffmpeg.js';
import { s3CliEnv } from '../support/s3-cli.js';
import { startTestS3, type TestS3 } from '../support/s3rver.js';
import { jsonOf, runCli } from '../support/spawn-cli.js';

const MIN = 60_000;
const END_MS = Math.floor(Date.now() / MIN) * MIN - MIN;
const iso = (ms: number) => new Date(ms).toISOString();
// Two gaps inside the window: three runs of media.
const WINDOW = ['--from', iso(END_MS - 8 * MIN), '--to', iso(END_MS - MIN)];

let s3: TestS3;
let client: S3Client;
let emulator: RunningEmulator;
let dir: string;

const env = () => s3CliEnv(s3, dir, { AWS_REGION: 'us-east-1' });
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const get = (args: readonly string[]) =>
  runCli(['get', 'gappy', '--endpoint-url', emulator.url, ...WINDOW, ...args], { cwd: dir, env: env() });

async function objectBytes(uri: string): Promise<Buffer> {
  const reply = await client.send(new GetObjectCommand({ Bucket: 'bkt', Key: uri.slice('s3://bkt/'.length) }));
  if (reply.Body === undefined) throw new Error('no body');
  return Buffer.from(await reply.Body.transformToByteArray());
}

/**
 * Each object of `uris` against the local file of the same position: packets, box layout (moov before mdat), decode;
 * with `sameBytes` (a join: the joiner's output is deterministic) the bytes too. A `--split` part is a GetClip body
 * as the service sent it, and the emulator's bodies are not byte-stable across calls, only their packets.
 */
async function expectSameAsLocal(uris: readonly string[], files: readonly string[], sameBytes: boolean) {
  expect(uris.length).toBe(files.length);
  for (const [index, uri] of uris.entries()) {
    const object = await objectBytes(uri);
    const key = uri.slice('s3://bkt/'.length);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: key }));
    expect(head.Metadata?.['sha256']).toBe(sha256(object));
    const local = files[index] ?? '';
    if (sameBytes) expect(sha256(object)).toBe(sha256(await readFile(local)));
    const copy = join(dir, `copy-${index}.mp4`);
    await writeFile(copy, object);
    const top = readBoxes(copy).map((box) => box.type);
    expect(top).toEqual(readBoxes(local).map((box) => box.type));
    expect(top.indexOf('moov')).toBeLessThan(top.indexOf('mdat'));
    expect(await packetHashes(copy, 'v')).toEqual(await packetHashes(local, 'v'));
    expect(await decodeErrors(copy)).toEqual([]);
  }
}

beforeAll(async () => {
  s3 = await startTestS3({ buckets: ['bkt'] });
  client = createS3Client({ endpointUrl: s3.url, region: 'us-east-1', credentials: s3.credentials });
  emulator = await startEmulator({
    streams: [
      {
        name: 'gappy',
        source: { preset: 'h264' },
        fragmentSeconds: 2,
        spanMs: 10 * MIN,
        endMs: END_MS,
        gaps: [
          { from: { atMs: END_MS - 6 * MIN }, to: { atMs: END_MS - 5 * MIN } },
          { from: { atMs: END_MS - 3 * MIN }, to: { atMs: END_MS - 2 * MIN - 30_000 } },
        ],
      },
    ],
  });
});
afterAll(async () => {
  client.destroy();
  await emulator.close();
  await s3.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-clip-split-s3-'));
  s3.requests.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('get --split and --gaps split -o s3://', () => {
  itMedia('--split: one object per GetClip call, each identical to the local --split part', async () => {
    const remote = await get(['--split', '-o', 's3://bkt/split/{stream}_{index:03}.mp4', '--json']);
    expect(remote.code, remote.stderr).toBe(0);
    const local = await get(['--split', '-o', 'local/{stream}_{index:03}.mp4', '--mkdir', '--json']);
    expect(local.code, local.stderr).toBe(0);
    const uris = jsonOf(remote)['outputs'] as string[];
    expect(uris.length).toBeGreaterThan(2);
    expect(uris[0]).toBe('s3://bkt/split/gappy_001.mp4');
    await expectSameAsLocal(uris, jsonOf(local)['outputs'] as string[], false);
    expect((jsonOf(remote)['s3'] as unknown[]).length).toBe(uris.length);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'split/gappy_001.mp4' }));
    expect(head.ContentType).toBe('video/mp4');
    expect(head.Metadata).toMatchObject({ stream: 'gappy', selector: 'server', fragments: expect.any(String) });
    expect(await readdir(join(dir, 'staging'), { recursive: true }).catch(() => [])).toEqual([]);
  });

  itMedia('--gaps split: one streamed object per run of media, each identical to the local run file', async () => {
    const remote = await get(['--gaps', 'split', '-o', 's3://bkt/runs/{index:02}.mp4', '--json']);
    expect(remote.code, remote.stderr).toBe(0);
    const local = await get(['--gaps', 'split', '-o', 'runs/{index:02}.mp4', '--mkdir', '--json']);
    expect(local.code, local.stderr).toBe(0);
    const uris = jsonOf(remote)['outputs'] as string[];
    expect(uris).toEqual(['s3://bkt/runs/01.mp4', 's3://bkt/runs/02.mp4', 's3://bkt/runs/03.mp4']);
    await expectSameAsLocal(uris, jsonOf(local)['outputs'] as string[], true);
    expect(await readdir(join(dir, 'staging'), { recursive: true }).catch(() => [])).toEqual([]);
  });

  it('--split --exec runs the hook once per object written, with its s3:// URI; --dry-run names the template', async () => {
    const args = ['--split', '-o', 's3://bkt/hooked/{index:02}.mp4'];
    const dry = await get([...args, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain('Would write one object per part, named by "s3://bkt/hooked/{index:02}.mp4"');
    const run = await get([...args, '--exec', 'echo hook:{} >&2', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const uris = jsonOf(run)['outputs'] as string[];
    expect(uris.length).toBeGreaterThan(1);
    const hooks = run.stderr.split('\n').filter((line) => line.startsWith('hook:'));
    expect(hooks).toEqual(uris.map((uri) => `hook:${uri}`));
    // Parts left by --skip-existing were not written now: no hook for them.
    const again = await get([...args, '--skip-existing', '--exec', 'echo hook:{} >&2']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('hook:');
  });

  it('--dry-run --json names every object --split and --gaps split would write, as the real runs then write them', async () => {
    for (const args of [
      ['--split', '-o', 's3://bkt/planned-split/{index:03}_{start:%H%M%S}.mp4'],
      ['--gaps', 'split', '-o', 's3://bkt/planned-runs/{index:02}_{start:%H%M%S}.mp4'],
    ]) {
      s3.requests.length = 0;
      const dry = await get([...args, '--dry-run', '--json']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(s3.requests).toEqual([]);
      const planned = jsonOf(dry)['wouldWrite'] as string[];
      expect(planned.length).toBeGreaterThan(2);
      const real = await get([...args, '--json']);
      expect(real.code, real.stderr).toBe(0);
      expect(planned).toEqual(jsonOf(real)['outputs']);
    }
  });

  it('refuses an existing part object with exit 7 before any GetClip, and --skip-existing leaves them all without a GetClip', async () => {
    const args = ['--split', '-o', 's3://bkt/again/{index:03}.mp4'];
    const first = await get([...args, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const uris = jsonOf(first)['outputs'] as string[];
    emulator.log.clear();
    const again = await get(args);
    expect(again.code).toBe(7);
    expect(again.stderr).toContain('s3://bkt/again/001.mp4 already exists');
    expect(emulator.log.ofOp('GetClip')).toEqual([]);
    const skip = await get([...args, '--skip-existing', '--json']);
    expect(skip.code, skip.stderr).toBe(0);
    expect(emulator.log.ofOp('GetClip')).toEqual([]);
    expect(uris.length).toBeGreaterThan(1);
  });

  it('--split --skip-existing lists the objects it left in --json as skipped (HeadObject facts) beside the one it wrote', async () => {
    const args = ['--split', '-o', 's3://bkt/kept/{index:03}.mp4', '--json'];
    const first = await get(args);
    expect(first.code, first.stderr).toBe(0);
    const written = jsonOf(first)['s3'] as Record<string, unknown>[];
    expect(written.length).toBeGreaterThan(2);
    await client.send(new DeleteObjectCommand({ Bucket: 'bkt', Key: 'kept/002.mp4' }));
    s3.requests.length = 0;
    const again = await get([...args, '--skip-existing']);
    expect(again.code, again.stderr).toBe(0);
    const listed = jsonOf(again)['s3'] as Record<string, unknown>[];
    const byKey = new Map(listed.map((entry) => [entry['key'], entry]));
    expect(listed.length).toBe(written.length);
    for (const before of written) {
      const now = byKey.get(before['key']);
      if (before['key'] === 'kept/002.mp4') {
        expect(now).toMatchObject({ skipped: false, sha256Stored: true });
        continue;
      }
      const { checksumSha256: _checksum, ...facts } = before;
      expect(now).toEqual({ ...facts, skipped: true });
    }
    expect(jsonOf(again)['outputs']).toEqual(['s3://bkt/kept/002.mp4']);
    // Only HEADs for the objects left: none of them is read or written.
    const touched = s3.requests.filter((request) => request.method !== 'HEAD').map((request) => request.url);
    expect(touched.every((url) => url.includes('kept/002.mp4'))).toBe(true);
  });

  it('--gaps split --skip-existing lists every run object it left in --json as skipped, with its stored SHA-256', async () => {
    const args = ['--gaps', 'split', '-o', 's3://bkt/kept-runs/{index:02}.mp4', '--json'];
    const first = await get(args);
    expect(first.code, first.stderr).toBe(0);
    const written = jsonOf(first)['s3'] as Record<string, unknown>[];
    expect(written.length).toBe(3);
    const again = await get([...args, '--skip-existing']);
    expect(again.code, again.stderr).toBe(0);
    expect(jsonOf(again)['skipped']).toBe(true);
    expect(jsonOf(again)['s3']).toEqual(
      written.map(({ checksumSha256: _checksum, ...facts }) => ({ ...facts, skipped: true })),
    );
  });
});
