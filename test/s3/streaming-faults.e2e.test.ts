/**
 * The streaming upload of `get -o s3://` under server faults: a lost upload (NoSuchUpload), SlowDown/503 and
 * connection resets per part, a part that fails for good, a missing bucket, access denied. The faults come from the
 * HTTP front of the real s3rver (test/support/s3rver.ts); the CLI is the built one, in a child process. And under
 * KVS faults: a GetClip body cut midway while it streams into the upload (write once, docs/s3.md, "Resume").
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoStreams } from '../../src/emulator/demo-streams.js';
import type { FaultSpec } from '../../src/emulator/faults.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { createS3Client } from '../../src/s3/s3-client.js';
import { decodeErrors, itMedia, readBoxes } from '../support/ffmpeg.js';
import { objectBytes, s3CliEnv, sha256Hex, uploadStateIn } from '../support/s3-cli.js';
import { partRequests, RESET, startTestS3, uploadDirectory, type TestS3 } from '../support/s3rver.js';
import { killSpawnedClis, runCli, startCli } from '../support/spawn-cli.js';

const MIB = 1024 * 1024;
const END_MS = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = ['--from', iso(END_MS - 60 * 60_000), '--to', iso(END_MS)];
// 5 MiB parts: an hour of the demo stream is a dozen parts.
const SMALL_PARTS = { KVS_CLIP_S3_PART_BYTES: String(5 * MIB) };

let s3: TestS3;
let client: S3Client;
let emulator: { url: string; close(): Promise<void> };
/**
 * A stream of ≈ 20 MB GetClip bodies (12× the demo's bitrate) whose first body is cut at 18 MB: past the 5 MiB head and
 * the first 5 MiB part after it, so the first attempt has sent a part before any checkpoint (paced, so that it surely
 * has).
 */
let cuttingFirst: RunningEmulator;
/** The same demo streams with GetClip bodies cut midway: resets and a truncation under a correct Content-Length. */
let cutting: RunningEmulator;
const CUTS: readonly FaultSpec[] = [
  { op: 'GetClip', nth: [1, 4], action: { kind: 'reset', afterBytes: 1_500_000 } },
  { op: 'GetClip', nth: [6], action: { kind: 'truncate', afterBytes: 1_000_000 } },
];
let dir: string;
let reference: string;

const env = (extra: Record<string, string> = {}) => s3CliEnv(s3, dir, { ...SMALL_PARTS, ...extra });
const hourTo = (key: string) => ['get', 'demo', ...HOUR, '--endpoint-url', emulator.url, '-o', `s3://bkt/${key}`];

async function objectSha(key: string): Promise<string> {
  return sha256Hex(await objectBytes(client, 'bkt', key));
}

/** Whether anything is stored under the key (a partial object must never be). */
async function stored(key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: key }));
    return true;
  } catch {
    return false;
  }
}

const partOf = (url: string) => Number(/[?&]partNumber=(\d+)/.exec(url)?.[1]);

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  s3 = await startTestS3({ buckets: ['bkt'] });
  client = createS3Client({ endpointUrl: s3.url, region: 'us-east-1', credentials: s3.credentials });
  // One emulator for every run (--local would start one per process, and a resume checks the stream ARN).
  emulator = await startEmulator({ streams: demoStreams(END_MS + 60_000) });
  cutting = await startEmulator({ streams: demoStreams(END_MS + 60_000), faults: CUTS });
  cuttingFirst = await startEmulator({
    streams: [
      {
        name: 'cam',
        source: { preset: 'h264_aac' },
        fragmentSeconds: 2,
        spanMs: 40 * 60_000,
        endMs: END_MS,
        bitrate: 12,
      },
    ],
    // The first body also arrives at 1.5 MB/s: its first part past the head is ready ≈ 7 s in, the cut comes at 12 s,
    // so the part is on its way to S3 before the cut however loaded the machine is (unpaced, the cut could win).
    faults: [
      { op: 'GetClip', nth: 1, action: { kind: 'reset', afterBytes: 18_000_000 } },
      { op: 'GetClip', nth: 1, action: { kind: 'bandwidth', bytesPerSecond: 1_500_000 } },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'kvs-clip-s3-faults-'));
  const run = await runCli(hourTo('reference.mp4'), { cwd: dir, env: env() });
  await rm(dir, { recursive: true, force: true });
  if (run.code !== 0) throw new Error(`reference run failed: ${run.stderr}`);
  reference = await objectSha('reference.mp4');
}, 240_000);
afterAll(async () => {
  client.destroy();
  await emulator.close();
  await cutting.close();
  await cuttingFirst.close();
  await s3.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-clip-s3-faults-'));
  s3.requests.length = 0;
  s3.faults.length = 0;
});
afterEach(async () => {
  killSpawnedClis();
  await rm(dir, { recursive: true, force: true });
});

describe('a streaming upload to S3 under faults', () => {
  itMedia(
    'says in one line that the server lost the upload (NoSuchUpload), starts it over, and completes the same object',
    async () => {
      // Part 3 hangs, so the run is caught mid-upload with parts recorded; then s3rver forgets the upload.
      s3.faults.push({ match: (r) => r.url.includes('partNumber=3&'), times: 1, status: 0, code: '' });
      const first = startCli(hourTo('gone.mp4'), { cwd: dir, env: env() });
      let uploadId: string | null = null;
      await waitFor(async () => {
        const state = await uploadStateIn(join(dir, 'staging'));
        uploadId = state?.uploadId ?? null;
        return (state?.parts.length ?? 0) >= 2 && s3.faults[0]?.times === 0;
      }, 'two recorded parts');
      first.child.kill('SIGKILL');
      await first.done;
      if (uploadId === null) throw new Error('no upload id recorded');
      await rm(uploadDirectory(s3.directory, 'bkt', uploadId), { recursive: true });
      s3.requests.length = 0;

      const rerun = await runCli(hourTo('gone.mp4'), { cwd: dir, env: env() });
      expect(rerun.code, rerun.stderr).toBe(0);
      const said = rerun.stderr.split('\n').filter((line) => line.includes('NoSuchUpload'));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/s3:\/\/bkt\/gone\.mp4.*starting it over/);
      // The old upload id was refused, one new upload was created and completed.
      expect(s3.requests.some((r) => r.url.includes(`uploadId=${uploadId}`) && r.status === 404)).toBe(true);
      expect(s3.requests.filter((r) => r.method === 'POST' && r.url.endsWith('?uploads='))).toHaveLength(1);
      expect(await objectSha('gone.mp4')).toBe(reference);
      const file = join(dir, 'gone.mp4');
      await writeFile(file, await objectBytes(client, 'bkt', 'gone.mp4'));
      const top = readBoxes(file).map((box) => box.type);
      expect(top.indexOf('moov')).toBeLessThan(top.indexOf('mdat'));
      expect(await decodeErrors(file)).toEqual([]);
      expect(partRequests(s3.requests).length).toBeGreaterThan(2);
    },
    240_000,
  );

  it('retries a SlowDown (503) and a connection reset mid-part on that part alone, and completes the same object', async () => {
    s3.faults.push(
      { match: (r) => r.url.includes('partNumber=2&'), times: 1, status: 503, code: 'SlowDown' },
      { match: (r) => r.url.includes('partNumber=4&'), times: 1, status: RESET, code: '' },
      { match: (r) => r.url.includes('partNumber=5&'), times: 2, status: 503, code: 'SlowDown' },
    );
    const result = await runCli(hourTo('retried.mp4'), { cwd: dir, env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(s3.faults.map((fault) => fault.times)).toEqual([0, 0, 0]);
    const parts = partRequests(s3.requests);
    const tries = (part: number) => parts.filter((r) => partOf(r.url) === part).map((r) => r.status);
    expect(tries(2)).toEqual([503, 200]);
    expect(tries(4)).toEqual([RESET, 200]);
    expect(tries(5)).toEqual([503, 503, 200]);
    // Only the faulted parts were sent more than once.
    const others = [...new Set(parts.map((r) => partOf(r.url)))].filter((part) => ![2, 4, 5].includes(part));
    for (const part of others) expect(tries(part)).toEqual([200]);
    expect(await objectSha('retried.mp4')).toBe(reference);
  });

  it('exits 5 when a part fails for good, keeps the resumable state and nothing under the key; a rerun completes it', async () => {
    s3.faults.push({ match: (r) => r.url.includes('partNumber=3&'), times: 50, status: 500, code: 'InternalError' });
    const failed = await runCli(hourTo('failed.mp4'), { cwd: dir, env: env() });
    expect(failed.code, failed.stderr).toBe(5);
    expect(failed.stderr).toMatch(/s3:PutObject on s3:\/\/bkt\/failed\.mp4 failed: InternalError \(HTTP 500\)/);
    // The SDK's attempts on part 3, all refused; the others recorded in the state file.
    expect(partRequests(s3.requests).filter((r) => partOf(r.url) === 3).length).toBe(5);
    const state = await uploadStateIn(join(dir, 'staging'));
    expect(state?.uploadId).toEqual(expect.any(String));
    const recorded = state?.parts.map((part) => part.partNumber) ?? [];
    expect(recorded).toContain(2);
    expect(recorded).not.toContain(3);
    expect(await stored('failed.mp4')).toBe(false);

    s3.faults.length = 0;
    s3.requests.length = 0;
    const rerun = await runCli(hourTo('failed.mp4'), { cwd: dir, env: env() });
    expect(rerun.code, rerun.stderr).toBe(0);
    const resent = partRequests(s3.requests).map((r) => partOf(r.url));
    expect(resent.filter((part) => recorded.includes(part))).toEqual([]);
    expect(resent).toContain(3);
    expect(s3.requests.filter((r) => r.method === 'POST' && r.url.endsWith('?uploads='))).toHaveLength(0);
    expect(await objectSha('failed.mp4')).toBe(reference);
  });

  it('exits 4 naming s3:PutObject when a part is denied, and leaves nothing under the key', async () => {
    s3.faults.push({ match: (r) => r.url.includes('partNumber=2&'), times: 50, status: 403, code: 'AccessDenied' });
    const denied = await runCli(hourTo('denied.mp4'), { cwd: dir, env: env() });
    expect(denied.code, denied.stderr).toBe(4);
    expect(denied.stderr).toContain('Access denied: s3:PutObject on s3://bkt/denied.mp4');
    // Not retried: a denial does not change by asking again.
    expect(partRequests(s3.requests).filter((r) => partOf(r.url) === 2)).toHaveLength(1);
    expect(await stored('denied.mp4')).toBe(false);
  });

  it('rolls the upload back to its checkpoint when a GetClip body is cut midway, sends no part twice, and completes the same object', async () => {
    const args = ['get', 'demo', ...HOUR, '--endpoint-url', cutting.url, '-o', 's3://bkt/cut.mp4'];
    const result = await runCli(args, { cwd: dir, env: env() });
    expect(result.code, result.stderr).toBe(0);
    // Every cut happened: three GetClip replies sent fewer bytes than their Content-Length promised.
    const clips = cutting.log.ofOp('GetClip');
    expect(clips.filter((entry) => entry.bytesSent === 1_500_000 || entry.bytesSent === 1_000_000)).toHaveLength(3);
    const parts = partRequests(s3.requests);
    const numbers = parts.map((r) => partOf(r.url));
    expect(parts.every((r) => r.status === 200)).toBe(true);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(await objectSha('cut.mp4')).toBe(reference);
  });

  it('aborts the upload it began and starts a new one when the first GetClip body is cut past the head', async () => {
    const args = (key: string) => [
      'get',
      'cam',
      '--from',
      iso(END_MS - 30 * 60_000),
      '--to',
      iso(END_MS),
      '--endpoint-url',
      cuttingFirst.url,
      // One GetClip at a time, so that the first to reach the emulator (the one cut) is the head of the line, the
      // body streaming into the upload; with more, a part downloaded ahead could arrive first and only be refetched.
      '--concurrency',
      '1',
      '-o',
      `s3://bkt/${key}`,
    ];
    const cut = await runCli(args('first-cut.mp4'), { cwd: dir, env: env() });
    expect(cut.code, cut.stderr).toBe(0);
    // The log is in order of completion: find the cut body by its size.
    const cutBodies = cuttingFirst.log.ofOp('GetClip').filter((entry) => entry.bytesSent === 18_000_000);
    expect(cutBodies).toHaveLength(1);
    const uploads = s3.requests.filter((r) => r.method === 'POST' && r.url.endsWith('?uploads='));
    expect(uploads).toHaveLength(2);
    // The first upload had a part sent when the body broke; it is aborted (s3rver answers its own error), not kept.
    const aborts = s3.requests.filter((r) => r.method === 'DELETE' && r.url.includes('uploadId='));
    expect(aborts).toHaveLength(1);
    const abandoned = /uploadId=([0-9a-f]+)/.exec(aborts[0]?.url ?? '')?.[1];
    expect(partRequests(s3.requests).some((r) => r.url.includes(`uploadId=${abandoned}`))).toBe(true);
    s3.requests.length = 0;
    const clean = await runCli(args('first-clean.mp4'), { cwd: dir, env: env() });
    expect(clean.code, clean.stderr).toBe(0);
    expect(await objectSha('first-cut.mp4')).toBe(await objectSha('first-clean.mp4'));
  });

  it('exits 7 naming the bucket when it is missing, with no part sent', async () => {
    const missing = await runCli(
      ['get', 'demo', ...HOUR, '--endpoint-url', emulator.url, '-o', 's3://no-such-bkt/x.mp4'],
      { cwd: dir, env: env() },
    );
    expect(missing.code, missing.stderr).toBe(7);
    expect(missing.stderr).toContain('"no-such-bkt"');
    expect(partRequests(s3.requests)).toEqual([]);
  });
});
