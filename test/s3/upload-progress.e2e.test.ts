import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/s3/s3-client.js';
import { s3CliEnv } from '../support/s3-cli.js';
import { partRequests, startTestS3, type TestS3 } from '../support/s3rver.js';
import { runCliUnderTty, terminalFrames } from '../support/run-under-tty.js';
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
  s3.requests.length = 0;
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

/** The local clips of a 1 h window of the demo stream, one per GetClip call (~26 MB: several 5 MiB parts). */
async function demoClips(): Promise<string[]> {
  const split = await runCli(
    ['get', 'demo', '--local', ...LONG_WINDOW, '--split', '-o', 'clips/{index:03}.mp4', '--mkdir'],
    {
      cwd: dir,
      env: env(),
    },
  );
  expect(split.code, String(split.stderr)).toBe(0);
  const names = (await readdir(join(dir, 'clips'))).filter((name) => name.endsWith('.mp4')).sort();
  return names.map((name) => join(dir, 'clips', name));
}

describe('upload progress of join -o s3://', () => {
  it('--log-format json has upload-part events (the head last), one upload-done and a summary, nothing else', async () => {
    const clips = await demoClips();
    const result = await runCli(['join', ...clips, '-o', 's3://bkt/joined-events.mp4', '--log-format', 'json'], {
      cwd: dir,
      env: env(),
    });
    expect(result.code, String(result.stderr)).toBe(0);
    const lines = String(result.stderr)
      .split('\n')
      .filter((line) => line !== '' && !line.includes('NodeVersionSupportWarning') && line.startsWith('{'));
    const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'joined-events.mp4' }));
    const parts = events.filter((event) => event['type'] === 'upload-part');
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts.at(-1)).toMatchObject({ uri: 's3://bkt/joined-events.mp4', partNumber: 1 });
    expect(parts.reduce((sum, event) => sum + Number(event['sizeBytes']), 0)).toBe(head.ContentLength);
    expect(events.filter((event) => event['type'] === 'upload-done')).toEqual([
      expect.objectContaining({ uri: 's3://bkt/joined-events.mp4', sizeBytes: head.ContentLength }),
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'summary',
      command: 'join',
      outputs: ['s3://bkt/joined-events.mp4'],
      bytes: head.ContentLength,
      clips: clips.length,
    });
    for (const event of events) expect(typeof event['time']).toBe('string');
    // No human line in between: every stderr line of the run is an event (the SDK's Node warning aside).
    expect(String(result.stderr)).not.toMatch(/^(\[upload\]|Joined)/m);
  });

  it('prints one upload line per part with bytes, then rate and ETA from the second, then the completion, when stderr is not a terminal', async () => {
    const clips = await demoClips();
    const result = await runCli(['join', ...clips, '-o', 's3://bkt/joined-lines.mp4'], { cwd: dir, env: env() });
    expect(result.code, String(result.stderr)).toBe(0);
    const stderr = String(result.stderr);
    const partLines = stderr.match(/^\[upload\] part \d+ of s3:\/\/bkt\/joined-lines\.mp4 sent: .*$/gm) ?? [];
    expect(partLines.length).toBe(partRequests(s3.requests).length);
    // The first line has only the bytes (no rate is known yet); every later one the rate and ETA too.
    expect(partLines[0]).toMatch(/ sent: [\d.]+ [kMG]?B sent$/);
    for (const line of partLines.slice(1))
      expect(line).toMatch(/ sent: [\d.]+ [kMG]?B sent, [\d.]+ [kMG]?B\/s, ETA \S+$/);
    expect(stderr).toMatch(/^\[upload\] s3:\/\/bkt\/joined-lines\.mp4: complete, [\d.]+ [kMG]?B$/m);
    expect(stderr).toMatch(/^Joined \d+ clips: /m);
  });

  it('draws the upload in a bar on a terminal: percent, bytes sent, rate and ETA', async () => {
    const clips = await demoClips();
    const r = await runCliUnderTty(['join', ...clips, '-o', 's3://bkt/joined-bar.mp4'], { cwd: dir, env: env() });
    expect(r.code, r.output).toBe(0);
    const bars = terminalFrames(r.output).filter((frame) =>
      /^[█░]+ \d+% upload [\d.]+ [kMG]?B sent, [\d.]+ [kMG]?B\/s, ETA \S+$/.test(frame.trim()),
    );
    expect(bars.length, r.output).toBeGreaterThanOrEqual(1);
    // The per-part lines are the bar's figures on a terminal; the completion is still said.
    expect(r.output).not.toMatch(/\[upload\] part \d+ of/);
    expect(r.output).toMatch(/\[upload\] s3:\/\/bkt\/joined-bar\.mp4: complete/);
  });
});
