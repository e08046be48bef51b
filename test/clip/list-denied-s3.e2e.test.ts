import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createS3Client } from '../../src/s3/s3-client.js';
import { createS3ObjectStore } from '../../src/s3/object-store.js';
import { itMedia, packetHashes } from '../support/ffmpeg.js';
import { startTestS3, type TestS3 } from '../support/s3rver.js';
import { startHarness, type Harness } from './get-harness.js';

const MIN = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

let h: Harness;
let s3: TestS3;
let client: S3Client;
let END: number;

beforeAll(async () => {
  const now = Math.floor(Date.now() / 1000) * 1000;
  END = now - MIN;
  h = await startHarness(
    {
      streams: [{ name: 'locked', source: { preset: 'h264' }, fragmentSeconds: 2, spanMs: 30 * MIN, endMs: END }],
      faults: [{ op: 'ListFragments', action: { kind: 'error', name: 'NotAuthorizedException' } }],
    },
    now,
  );
  s3 = await startTestS3({ buckets: ['bkt'] });
  client = createS3Client({ endpointUrl: s3.url, region: 'us-east-1', credentials: s3.credentials });
});

afterAll(async () => {
  client.destroy();
  await s3.close();
  await h.close();
});

describe('get -o s3:// when ListFragments is denied', () => {
  itMedia('uploads the time-window join as one object with the packets of the fragments in the window', async () => {
    const startMs = END - 10 * MIN;
    const endMs = END - MIN;
    const time = { since: iso(startMs), until: iso(endMs) };
    const store = createS3ObjectStore({
      client,
      settings: {},
      wholeSha256: true,
      force: false,
      scratchRoot: join(h.dir, 'staging'),
      signal: new AbortController().signal,
    });
    const remote = await h.run(
      { stream: 'locked', time, output: 's3://bkt/denied/{stream}.mp4' },
      { objectStore: store },
    );
    expect(remote.error).toBeUndefined();
    expect(remote.events.some((e) => e.type === 'warning' && e.code === 'list-fallback')).toBe(true);
    expect(remote.result?.output).toBe('s3://bkt/denied/locked.mp4');
    const reply = await client.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'denied/locked.mp4' }));
    const objectPath = join(h.dir, 'object.mp4');
    await writeFile(objectPath, Buffer.from((await reply.Body?.transformToByteArray()) ?? new Uint8Array()));

    const local = await h.run({ stream: 'locked', time, output: 'local.mp4' });
    expect(local.error).toBeUndefined();
    const stream = h.emulator.streams.get('locked');
    const numbers: string[] = [];
    for (let slot = 0; stream !== undefined && slot < stream.slotCount; slot++) {
      const fragment = stream.fragmentAt(slot);
      if (fragment !== undefined && fragment.serverMs >= startMs && fragment.serverMs <= endMs)
        numbers.push(fragment.fragmentNumber);
    }
    const reference = await h.reference('locked', numbers, 'locked-ref.mp4');
    const packets = await packetHashes(objectPath, 'v');
    expect(packets.length).toBeGreaterThan(0);
    expect(packets).toEqual(await packetHashes(reference, 'v'));
    expect(packets).toEqual(await packetHashes(local.result?.output ?? '', 'v'));
    // Nothing under a local "s3:" path, and the object's scratch folder is gone.
    expect((await readdir(h.dir)).filter((name) => name.startsWith('s3'))).toEqual([]);
    expect(await readdir(join(h.dir, 'staging')).catch(() => [])).toEqual([]);
  });
});
