/**
 * The streaming sink's part layout against the real s3rver (real SDK over HTTP): a head larger than one part — the
 * moov room of a long video — goes up as several parts of one part size, after the tail, so no part body is ever
 * larger than one part (docs/s3.md, "Streaming upload"); an interrupted upload resumes without resending its parts.
 */
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/s3/s3-client.js';
import { StreamingSink } from '../../src/s3/streaming-sink.js';
import { objectBytes, sha256Hex } from '../support/s3-cli.js';
import { partRequests, startTestS3, type TestS3 } from '../support/s3rver.js';

const MIB = 1024 * 1024;
const PART = 5 * MIB;
// The moov room ends at 11 MiB: with its MiB of margin the head is 12 MiB, rounded up to 3 parts (15 MiB).
const ROOM = 11 * MIB;
const SIZE = 33 * MIB;

let s3: TestS3;
let client: S3Client;
let dir: string;
const object = randomBytes(SIZE);

beforeAll(async () => {
  s3 = await startTestS3({ buckets: ['bkt'] });
  client = createS3Client({ endpointUrl: s3.url, region: 'us-east-1', credentials: s3.credentials, maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await s3.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-clip-sink-'));
  s3.requests.length = 0;
  return () => rm(dir, { recursive: true, force: true });
});

async function openSink(key: string, resumeAt: number | null): Promise<StreamingSink> {
  const headPath = join(dir, 'object.part');
  if (resumeAt === null) await writeFile(headPath, '');
  return StreamingSink.open(
    {
      client,
      bucket: 'bkt',
      key,
      metadata: { stream: 'test' },
      settings: {},
      force: false,
      statePath: join(dir, 'upload.json'),
      headPath,
      scratchDir: dir,
      partBytes: PART,
    },
    resumeAt,
  );
}

/** Appends object bytes [from, to) in 1 MiB writes, as the joiner appends mdat. */
async function appendRange(sink: StreamingSink, from: number, to: number): Promise<void> {
  for (let at = from; at < to; at += MIB) await sink.append(object.subarray(at, Math.min(to, at + MIB)));
}

const byNumber = (a: number, b: number) => a - b;
const partNumbers = () => partRequests(s3.requests).map((r) => Number(/[?&]partNumber=(\d+)/.exec(r.url)?.[1]));

describe('streaming sink part layout', () => {
  it('sends a head of several part sizes as parts 1-3 after the tail parts, and the object is byte-identical', async () => {
    const sink = await openSink('long-head.mp4', null);
    sink.skipTo(ROOM);
    await appendRange(sink, ROOM, SIZE);
    await sink.writeAt(object.subarray(0, ROOM), 0);
    const stored = await sink.commit();

    expect(stored.sizeBytes).toBe(SIZE);
    expect(stored.sha256).toBe(sha256Hex(object));
    expect((await objectBytes(client, 'bkt', 'long-head.mp4')).equals(object)).toBe(true);
    const sent = partNumbers();
    expect([...sent].sort(byNumber)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The tail (4-7: 15-20, 20-25, 25-30, 30-33 MiB) goes up while it is written, the head (1-3) last.
    expect(sent.slice(0, 4).sort(byNumber)).toEqual([4, 5, 6, 7]);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'long-head.mp4' }));
    expect(head.Metadata?.['sha256']).toBe(sha256Hex(object));
  });

  it('resumes a split-head upload at its checkpoint without resending the tail parts it recorded', async () => {
    const first = await openSink('resumed.mp4', null);
    first.skipTo(ROOM);
    await appendRange(first, ROOM, 26 * MIB);
    await first.datasync();
    await first.close();
    const sentBefore = partNumbers();
    expect([...sentBefore].sort(byNumber)).toEqual([4, 5]);

    s3.requests.length = 0;
    const second = await openSink('resumed.mp4', 26 * MIB);
    await appendRange(second, 26 * MIB, SIZE);
    await second.writeAt(object.subarray(0, ROOM), 0);
    const stored = await second.commit();

    expect([...partNumbers()].sort(byNumber)).toEqual([1, 2, 3, 6, 7]);
    expect(stored.sha256).toBe(sha256Hex(object));
    expect((await objectBytes(client, 'bkt', 'resumed.mp4')).equals(object)).toBe(true);
  });
});
