/**
 * `-vv` with `-o s3://` (issue 14): one debug line when each S3 request goes out and one when its answer comes back
 * (operation, path with bucket and key, UploadPart's part number, HTTP status, time), as the KVS requests have — and
 * never the credentials or a signature. s3rver is given a distinctive key pair of its own for these runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
// s3rver's own account registry: the key pair is real to the server, so requests are signed and checked with it.
import AWSAccount from 's3rver/lib/models/account.js';
import { s3CliEnv } from '../support/s3-cli.js';
import { partRequests, startTestS3, type TestS3 } from '../support/s3rver.js';
import { runCli } from '../support/spawn-cli.js';

const MIB = 1024 * 1024;
const END_MS = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const WINDOW = ['--from', iso(END_MS - 30 * 60_000), '--to', iso(END_MS)];
const KEY_ID = 'AKIDS3DEBUGLOG4Q7Z';
const SECRET = 'S3-Debug-D0-N0t-Leak-5e81c0ffee';
const FORBIDDEN: readonly (string | RegExp)[] = [SECRET, KEY_ID, /Signature=/, /AWS4-HMAC-SHA256/, /authorization/i];

let s3: TestS3;
let dir: string;
const env = () =>
  s3CliEnv(s3, dir, {
    KVS_CLIP_NOW: iso(END_MS + 60_000),
    KVS_CLIP_S3_PART_BYTES: String(5 * MIB),
    AWS_ACCESS_KEY_ID: KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET,
  });

beforeAll(async () => {
  s3 = await startTestS3({ buckets: ['bkt'] });
  AWSAccount.DUMMY_ACCOUNT.createKeyPair(KEY_ID, SECRET);
});
afterAll(async () => {
  await s3.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-clip-s3-debug-'));
  s3.requests.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const debugLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('debug: '));

function expectNoSecrets(text: string): void {
  for (const pattern of FORBIDDEN) {
    const found = typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
    expect(found, `${String(pattern)} found in the output`).toBe(false);
  }
}

describe('-vv with -o s3://', () => {
  it('get prints each S3 request and its answer with bucket/key, part number, status and time, never the keys', async () => {
    const result = await runCli(['get', 'demo', '--local', ...WINDOW, '-o', 's3://bkt/cam/debug.mp4', '-vv'], {
      cwd: dir,
      env: env(),
    });
    const stderr = String(result.stderr);
    expect(result.code, stderr).toBe(0);
    const lines = debugLines(stderr);
    const path = `${s3.url}/bkt/cam/debug.mp4`;
    // The exists check before the first GetClip: a 404 HeadObject.
    expect(lines).toContainEqual(`debug: HeadObject: HEAD ${path}`);
    expect(lines).toContainEqual(expect.stringMatching(/^debug: HeadObject: HTTP 404 \S+ after \d+ ms$/));
    expect(lines).toContainEqual(`debug: CreateMultipartUpload: POST ${path}`);
    const sent = lines.filter((line) => /^debug: UploadPart part \d+: PUT /.test(line));
    const answered = lines.filter((line) => /^debug: UploadPart part \d+: HTTP 200 in \d+ ms$/.test(line));
    expect(sent.length).toBe(partRequests(s3.requests).length);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(answered.length).toBe(sent.length);
    expect(sent).toContainEqual(`debug: UploadPart part 1: PUT ${path}`);
    expect(lines).toContainEqual(expect.stringMatching(/^debug: CompleteMultipartUpload: HTTP 200 in \d+ ms$/));
    // The KVS side is logged in the same run, the same way.
    expect(lines).toContainEqual(expect.stringMatching(/^debug: GetClip: HTTP 200 in \d+ ms/));
    expectNoSecrets(stderr);
    expectNoSecrets(String(result.stdout));
  });

  it('join prints its S3 requests too, never the keys', async () => {
    const clips = ['h264-0.mp4', 'h264-1.mp4'].map((name) => join(import.meta.dirname, '../fixtures', name));
    const result = await runCli(['join', ...clips, '-o', 's3://bkt/joined.mp4', '-vv'], { cwd: dir, env: env() });
    const stderr = String(result.stderr);
    expect(result.code, stderr).toBe(0);
    const lines = debugLines(stderr);
    const writes = lines.filter((line) =>
      /^debug: (PutObject|CompleteMultipartUpload): HTTP 200 in \d+ ms$/.test(line),
    );
    expect(writes.length).toBe(1);
    expect(lines).toContainEqual(expect.stringMatching(/^debug: HeadObject: HTTP 404 \S+ after \d+ ms$/));
    expect(lines.length).toBe(2 * s3.requests.length);
    expectNoSecrets(stderr);
    expectNoSecrets(String(result.stdout));
  });
});
