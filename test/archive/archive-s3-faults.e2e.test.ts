import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { parseStreamFleetSpec } from '../../src/emulator/stream-fleet-spec.js';
import { createS3Client } from '../../src/s3/s3-client.js';
import { decodeErrors, itMedia, packetHashes } from '../support/ffmpeg.js';
import { objectBytes, s3CliEnv, uploadStateIn } from '../support/s3-cli.js';
import { partRequests, RESET, startTestS3, type TestS3 } from '../support/s3rver.js';
import { jsonOf, runCli } from '../support/spawn-cli.js';
import { listFragmentNumbers } from './support/list-fragments.js';

// `kvs-clip archive -o s3://… --state-dir s3://…` when S3 fails in the middle of a segment's upload: the HTTP front
// of the real s3rver resets (TCP RST) every attempt at the third (last) part of one stream's second segment, after
// part 2 went through (part 1, the head, is sent last, docs/s3.md). That stream
// fails (exit 9) with its segment pending and nothing under the segment's key, the other stream is unaffected, and
// the next run (S3 healthy again) completes the segment: every fragment of ListFragments in exactly one object.

const MIN = 60_000;
const MIB = 1024 * 1024;
const nowMs = Math.floor(Date.now() / MIN) * MIN - 5 * MIN;
const sinceMs = nowMs - 2 * MIN;
const iso = (ms: number): string => new Date(ms).toISOString();
const hhmm = (ms: number): string => iso(ms).slice(11, 16).replace(':', '');
const keyOf = (stream: string, startMs: number): string => `video/${stream}/${hhmm(startMs)}.mp4`;

type JsonSegment = {
  start: string;
  end: string;
  output: string;
  fragments: number;
  firstFragmentNumber: string | null;
  lastFragmentNumber: string | null;
  resumed: boolean;
};
type JsonStream = { stream: string; status: string; segments: JsonSegment[]; error?: { code: string } };

let emulator: RunningEmulator;
let s3: TestS3;
let client: S3Client;
const home = mkdtempSync(join(tmpdir(), 'kvs-clip-archive-s3-faults-'));
const runs: { code: number | null; streams: JsonStream[]; stderr: string }[] = [];

beforeAll(async () => {
  // 50x: a one-minute segment is ~12 MB, three 5 MiB parts of a multipart upload.
  emulator = await startEmulator({
    streams: parseStreamFleetSpec('cam[1-2]=h264_aac,fragment=2s,span=1h,bitrate=50x'),
    quotas: false,
  });
  s3 = await startTestS3({ buckets: ['fleet'] });
  client = createS3Client({ endpointUrl: s3.url, region: 'us-east-1', credentials: s3.credentials });
}, 60_000);

afterAll(async () => {
  client.destroy();
  await emulator.close();
  await s3.close();
});

/** One once-mode run at the pinned clock, in the same home (a container restarted on the same host). */
async function archive(): Promise<{ code: number | null; streams: JsonStream[]; stderr: string }> {
  const result = await runCli(
    [
      'archive',
      'cam1',
      'cam2',
      '--segment',
      '1m',
      '--settle',
      '0',
      '--since',
      iso(sinceMs),
      '--state-dir',
      's3://fleet/state',
      '-o',
      's3://fleet/video/{stream}/{start:%H%M}.mp4',
      '--no-pacing',
      '--json',
      '--endpoint-url',
      emulator.url,
    ],
    { cwd: home, env: s3CliEnv(s3, home, { KVS_CLIP_NOW: String(nowMs), KVS_CLIP_S3_PART_BYTES: String(5 * MIB) }) },
  );
  const doc = jsonOf(result) as { streams?: JsonStream[]; result?: { streams: JsonStream[] } };
  const run = { code: result.code, streams: doc.streams ?? doc.result?.streams ?? [], stderr: result.stderr };
  runs.push(run);
  return run;
}

async function stored(key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: 'fleet', Key: key }));
    return true;
  } catch {
    return false;
  }
}

async function stateObject(stream: string): Promise<{ cursorMs: number; pending?: { startMs: number } }> {
  return JSON.parse((await objectBytes(client, 'fleet', `state/${stream}.state.json`)).toString()) as {
    cursorMs: number;
    pending?: { startMs: number };
  };
}

const failing = (url: string): boolean => url.includes(`/fleet/${keyOf('cam1', sinceMs + MIN)}?`);
/** The statuses of the UploadParts of the broken segment's object that carried part `n`. */
const triesOf = (n: number): number[] =>
  partRequests(s3.requests)
    .filter((request) => failing(request.url) && new RegExp(`[?&]partNumber=${n}(&|$)`).test(request.url))
    .map((request) => request.status);

describe('kvs-clip archive to S3 when S3 fails mid-segment', () => {
  it('fails only the stream whose upload broke (exit 9), leaving its segment pending with nothing under its key', async () => {
    s3.faults.push({
      match: (request) => failing(request.url) && /[?&]partNumber=3(&|$)/.test(request.url),
      times: 1_000,
      status: RESET,
      code: '',
    });
    const first = await archive();
    expect(first.code, first.stderr.slice(-2000)).toBe(9);
    const cam1 = first.streams.find((outcome) => outcome.stream === 'cam1');
    const cam2 = first.streams.find((outcome) => outcome.stream === 'cam2');
    expect(cam1?.status).toBe('failed');
    expect(cam1?.segments.map((segment) => segment.start)).toEqual([iso(sinceMs)]);
    expect(cam2?.status).toBe('ok');
    expect(cam2?.segments.map((segment) => segment.start)).toEqual([iso(sinceMs), iso(sinceMs + MIN)]);
    // Part 2 of the broken upload went through, every attempt at part 3 was reset mid-body, the head never left.
    expect(triesOf(2)).toEqual([200]);
    expect(triesOf(3).length).toBeGreaterThan(0);
    expect(triesOf(3).filter((status) => status !== RESET)).toEqual([]);
    expect(triesOf(1)).toEqual([]);
    expect(await stored(keyOf('cam1', sinceMs + MIN))).toBe(false);
    // Resumable: the state object holds the segment as pending, the local upload state its recorded part.
    const state = await stateObject('cam1');
    expect(state.cursorMs).toBe(sinceMs + MIN);
    expect(state.pending?.startMs).toBe(sinceMs + MIN);
    expect((await uploadStateIn(join(home, 'staging')))?.parts.map((part) => part.partNumber)).toEqual([2]);
  }, 120_000);

  it('completes the pending segment on the next run, resuming its upload (the part already sent is not sent again)', async () => {
    s3.faults.length = 0;
    s3.requests.length = 0;
    const second = await archive();
    expect(second.code, second.stderr.slice(-2000)).toBe(0);
    expect(second.streams.find((outcome) => outcome.stream === 'cam1')?.segments.map((s) => s.start)).toEqual([
      iso(sinceMs + MIN),
    ]);
    expect(second.streams.find((outcome) => outcome.stream === 'cam2')?.segments).toEqual([]);
    // The upload resumed: part 2 is not sent again; part 3, then the head, then the completion.
    expect(triesOf(2)).toEqual([]);
    expect(triesOf(3)).toEqual([200]);
    expect(triesOf(1)).toEqual([200]);
    expect(await stateObject('cam1')).toEqual(expect.objectContaining({ cursorMs: nowMs }));
    expect((await stateObject('cam1')).pending).toBeUndefined();
  }, 120_000);

  it('holds every ListFragments fragment of each stream in exactly one object, one object per segment', async () => {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'fleet', Prefix: 'video/' }));
    const keys = (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
    expect(keys).toEqual(['cam1', 'cam2'].flatMap((stream) => [keyOf(stream, sinceMs), keyOf(stream, sinceMs + MIN)]));
    for (const stream of ['cam1', 'cam2']) {
      const segments = runs
        .flatMap((run) => run.streams.filter((outcome) => outcome.stream === stream))
        .flatMap((outcome) => outcome.segments);
      expect(segments.map((segment) => segment.start)).toEqual([iso(sinceMs), iso(sinceMs + MIN)]);
      const archived: string[] = [];
      for (const segment of segments) {
        const expected = await listFragmentNumbers(
          emulator,
          stream,
          Date.parse(segment.start),
          Date.parse(segment.end),
        );
        expect(segment.fragments, `${stream} ${segment.start}`).toBe(expected.length);
        expect([segment.firstFragmentNumber, segment.lastFragmentNumber]).toEqual([expected[0], expected.at(-1)]);
        archived.push(...expected);
      }
      expect(archived).toEqual(await listFragmentNumbers(emulator, stream, sinceMs, nowMs));
    }
  }, 60_000);

  itMedia(
    "stores objects whose packets, in order, are exactly one get's over both minutes (the resumed stream)",
    async () => {
      const joined: string[] = [];
      for (const startMs of [sinceMs, sinceMs + MIN]) {
        const file = join(home, `cam1-${hhmm(startMs)}.mp4`);
        await writeFile(file, await objectBytes(client, 'fleet', keyOf('cam1', startMs)));
        expect(await decodeErrors(file)).toEqual([]);
        joined.push(...(await packetHashes(file, 'v')));
      }
      const whole = await runCli(
        [
          'get',
          'cam1',
          '--since',
          iso(sinceMs),
          '--until',
          iso(nowMs - 1),
          '--align',
          'inside',
          '--no-pacing',
          '-o',
          'cam1-whole.mp4',
          '--endpoint-url',
          emulator.url,
        ],
        {
          cwd: home,
          env: {
            ...s3CliEnv(s3, home),
            AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
          },
        },
      );
      expect(whole.code, whole.stderr).toBe(0);
      expect(joined).toEqual(await packetHashes(join(home, 'cam1-whole.mp4'), 'v'));
    },
    120_000,
  );
});
