import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KvsClipError } from '../../src/errors/kvs-clip-error.js';
import { createS3Client } from '../../src/s3/s3-client.js';
import { objectExists, uploadFile, type UploadEvent, type UploadFileOptions } from '../../src/s3/upload-file.js';
import { readUploadState } from '../../src/s3/upload-state.js';
import { partRequests, startTestS3, type TestS3 } from '../support/s3rver.js';

const MIB = 1024 * 1024;
let s3: TestS3;
let client: S3Client;
let work: string;
let source: Buffer;
let file: string;

function seeded(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0;
  for (let i = 0; i + 4 <= size; i += 4) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out.writeUInt32LE(x, i);
  }
  return out;
}

function options(key: string, extra: Partial<UploadFileOptions> = {}): UploadFileOptions {
  return {
    file,
    bucket: 'bkt',
    key,
    statePath: join(work, `${key.replaceAll('/', '_')}.s3upload.json`),
    force: false,
    metadata: { stream: 'cam1' },
    settings: {},
    preferredPartBytes: 5 * MIB,
    ...extra,
  };
}

async function objectBytes(key: string): Promise<Buffer> {
  const reply = await client.send(new GetObjectCommand({ Bucket: 'bkt', Key: key }));
  if (reply.Body === undefined) throw new Error('no body');
  return Buffer.from(await reply.Body.transformToByteArray());
}

async function caught(promise: Promise<unknown>): Promise<KvsClipError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KvsClipError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  s3 = await startTestS3({ buckets: ['bkt'] });
  client = createS3Client({ endpointUrl: s3.url, region: 'us-east-1', credentials: s3.credentials, maxAttempts: 2 });
  work = await mkdtemp(join(tmpdir(), 'kvs-clip-upload-'));
  source = seeded(22 * MIB + 123, 7);
  file = join(work, 'clip.mp4');
  await writeFile(file, source);
});

afterAll(async () => {
  client.destroy();
  await s3.close();
  await rm(work, { recursive: true, force: true });
});

beforeEach(() => {
  s3.requests.length = 0;
  s3.faults.length = 0;
});

describe('uploadFile against s3rver', () => {
  it('uploads a 22 MiB file in five parts with Content-Type, stream metadata and the whole-object SHA-256', async () => {
    const events: UploadEvent[] = [];
    const object = await uploadFile(client, options('a/one.mp4', { onEvent: (event) => events.push(event) }));
    const sha256 = createHash('sha256').update(source).digest('hex');
    expect(object).toMatchObject({ bucket: 'bkt', key: 'a/one.mp4', uri: 's3://bkt/a/one.mp4', sha256, partsSent: 5 });
    expect((await objectBytes('a/one.mp4')).equals(source)).toBe(true);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'a/one.mp4' }));
    expect(head.ContentType).toBe('video/mp4');
    expect(head.Metadata).toEqual({ stream: 'cam1', sha256 });
    expect(partRequests(s3.requests)).toHaveLength(5);
    expect(events.filter((event) => event.type === 'upload-part').at(-1)).toMatchObject({
      uploadedBytes: source.length,
    });
    expect(await readUploadState(options('a/one.mp4').statePath)).toBeNull();
  });

  it('sends a file under 5 MiB in one PutObject', async () => {
    const small = join(work, 'small.mp4');
    await writeFile(small, source.subarray(0, 1000));
    const object = await uploadFile(client, options('small.mp4', { file: small }));
    expect(object.partsSent).toBe(0);
    expect(s3.requests.filter((request) => request.method === 'PUT')).toHaveLength(1);
    expect((await objectBytes('small.mp4')).equals(source.subarray(0, 1000))).toBe(true);
  });

  it('keeps finished parts after a part fails for good, and a rerun sends only the missing parts', async () => {
    s3.faults.push({
      match: (r) => r.method === 'PUT' && r.url.includes('partNumber=4'),
      times: 2,
      status: 500,
      code: 'InternalError',
    });
    const failure = await caught(uploadFile(client, options('resume.mp4', { concurrency: 1 })));
    expect(failure.exitCode).toBe(5);
    const state = await readUploadState(options('resume.mp4').statePath);
    expect(state?.parts.map((part) => part.partNumber).sort()).toEqual([1, 2, 3]);
    s3.requests.length = 0;
    const object = await uploadFile(client, options('resume.mp4', { concurrency: 1 }));
    expect(object.partsSent).toBe(2);
    expect(partRequests(s3.requests).map((request) => /partNumber=(\d+)/.exec(request.url)?.[1])).toEqual(['4', '5']);
    expect(s3.requests.some((request) => request.url.endsWith('?uploads='))).toBe(false);
    expect((await objectBytes('resume.mp4')).equals(source)).toBe(true);
  });

  it('retries a SlowDown and a 503 on a part with backoff and still completes', async () => {
    s3.faults.push({ match: (r) => r.url.includes('partNumber=2'), times: 1, status: 503, code: 'SlowDown' });
    const object = await uploadFile(client, options('retry.mp4'));
    expect(object.partsSent).toBe(5);
    expect(partRequests(s3.requests).filter((request) => request.status === 503)).toHaveLength(1);
    expect((await objectBytes('retry.mp4')).equals(source)).toBe(true);
  });

  it('says so and starts over when the server no longer knows the upload (NoSuchUpload)', async () => {
    s3.faults.push({
      match: (r) => r.method === 'POST' && r.url.includes('uploadId='),
      times: 1,
      status: 404,
      code: 'NoSuchUpload',
    });
    const events: UploadEvent[] = [];
    const object = await uploadFile(client, options('gone.mp4', { onEvent: (event) => events.push(event) }));
    expect(events.some((event) => event.type === 'upload-restart' && /NoSuchUpload/.test(event.reason))).toBe(true);
    expect(object.partsSent).toBe(5);
    expect(s3.requests.filter((request) => request.url.endsWith('?uploads='))).toHaveLength(2);
    expect((await objectBytes('gone.mp4')).equals(source)).toBe(true);
  });

  it('exits 7 naming the bucket when it does not exist', async () => {
    const failure = await caught(uploadFile(client, options('x.mp4', { bucket: 'no-such-bucket' })));
    expect(failure.exitCode).toBe(7);
    expect(failure.message).toContain('"no-such-bucket"');
  });

  it('exits 4 naming the S3 action when access is denied', async () => {
    s3.faults.push({ match: (r) => r.method === 'POST', times: 1, status: 403, code: 'AccessDenied' });
    const failure = await caught(uploadFile(client, options('denied.mp4')));
    expect(failure.exitCode).toBe(4);
    expect(failure.message).toContain('s3:PutObject');
  });

  it('reports a completion refused by If-None-Match as an existing object (exit 7)', async () => {
    s3.faults.push({
      match: (r) => r.method === 'POST' && r.url.includes('uploadId='),
      times: 1,
      status: 412,
      code: 'PreconditionFailed',
    });
    const failure = await caught(uploadFile(client, options('race.mp4')));
    expect(failure.code).toBe('E_OUTPUT_EXISTS');
    expect(await readUploadState(options('race.mp4').statePath)).toBeNull();
  });

  it('tells an existing object from a missing one', async () => {
    expect(await objectExists(client, { bucket: 'bkt', key: 'a/one.mp4' })).toBe(true);
    expect(await objectExists(client, { bucket: 'bkt', key: 'a/none.mp4' })).toBe(false);
  });

  it('stores SHA-256 per-part checksums in the resume state', async () => {
    s3.faults.push({ match: (r) => r.url.includes('partNumber=5'), times: 2, status: 500, code: 'InternalError' });
    await caught(uploadFile(client, options('sums.mp4', { concurrency: 1 })));
    const state = await readUploadState(options('sums.mp4').statePath);
    const first = source.subarray(0, 5 * MIB);
    expect(state?.parts[0]?.checksumSha256).toBe(createHash('sha256').update(first).digest('base64'));
    expect(JSON.parse(await readFile(options('sums.mp4').statePath, 'utf8'))).toMatchObject({
      sizeBytes: source.length,
    });
  });
});
