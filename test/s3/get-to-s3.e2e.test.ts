import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { demoStreams } from '../../src/emulator/demo-streams.js';
import { startEmulator } from '../../src/emulator/start-emulator.js';
import { createS3Client } from '../../src/s3/s3-client.js';
import { itMedia, packetHashes, readBoxes, decodeErrors } from '../support/ffmpeg.js';
import { partRequests, startTestS3, type TestS3 } from '../support/s3rver.js';
import { jsonOf, killSpawnedClis, runCli, startCli } from '../support/spawn-cli.js';

const MIB = 1024 * 1024;
// Absolute windows ending a minute before the pinned "now": the S3 run and the local run get the same fragments.
const END_MS = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const compact = (ms: number) =>
  iso(ms)
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
const WINDOW = ['--from', iso(END_MS - 30 * 60_000), '--to', iso(END_MS)];
const HOUR_RANGE = ['--from', iso(END_MS - 60 * 60_000), '--to', iso(END_MS)];
const WINDOW_KEY = `demo/${compact(END_MS - 30 * 60_000)}.mp4`;
const TEMPLATE = '{stream}/{start:%Y%m%dT%H%M%SZ}.mp4';

let s3: TestS3;
let client: S3Client;
let dir: string;

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    TZ: 'UTC',
    // Pinned: the --local demo streams end at "now", so every run synthesises the same fragments.
    KVS_CLIP_NOW: iso(END_MS + 60_000),
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3.url,
    KVS_CLIP_STAGING_DIR: join(dir, 'staging'),
    ...extra,
  };
}

async function objectBytes(key: string): Promise<Buffer> {
  const reply = await client.send(new GetObjectCommand({ Bucket: 'bkt', Key: key }));
  if (reply.Body === undefined) throw new Error('no body');
  return Buffer.from(await reply.Body.transformToByteArray());
}

async function findFiles(root: string, suffix: string): Promise<string[]> {
  try {
    const entries = await readdir(root, { recursive: true });
    return entries.filter((entry) => entry.endsWith(suffix)).map((entry) => join(root, entry));
  } catch {
    return [];
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  s3 = await startTestS3({ buckets: ['bkt'] });
  client = createS3Client({ endpointUrl: s3.url, region: 'us-east-1', credentials: s3.credentials });
});
afterAll(async () => {
  client.destroy();
  await s3.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-clip-get-s3-'));
  s3.requests.length = 0;
  s3.faults.length = 0;
});
afterEach(async () => {
  killSpawnedClis();
  await rm(dir, { recursive: true, force: true });
});

describe('get -o s3://', () => {
  itMedia(
    'writes the same MP4 as a local get of the window: same bytes and packets, moov before mdat, ffprobe clean',
    async () => {
      const remote = await runCli(['get', 'demo', '--local', ...WINDOW, '-o', `s3://bkt/${TEMPLATE}`, '--json'], {
        cwd: dir,
        env: env(),
      });
      expect(remote.code, remote.stderr).toBe(0);
      const json = jsonOf(remote);
      const key = WINDOW_KEY;
      expect(json['output']).toBe(`s3://bkt/${key}`);
      const local = await runCli(['get', 'demo', '--local', ...WINDOW, '-o', 'local.mp4'], { cwd: dir, env: env() });
      expect(local.code, local.stderr).toBe(0);
      const object = await objectBytes(key);
      const localBytes = await readFile(join(dir, 'local.mp4'));
      expect(sha256(object)).toBe(sha256(localBytes));
      const file = join(dir, 'from-s3.mp4');
      await writeFile(file, object);
      const top = readBoxes(file).map((box) => box.type);
      expect(top.indexOf('moov')).toBeLessThan(top.indexOf('mdat'));
      expect(await packetHashes(file, 'v')).toEqual(await packetHashes(join(dir, 'local.mp4'), 'v'));
      expect(await decodeErrors(file)).toEqual([]);
      const head = await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: key }));
      expect(head.ContentType).toBe('video/mp4');
      // Streamed in parts with the head last: the SHA-256 is of the final bytes in order, stored as metadata.
      expect(head.Metadata).toMatchObject({
        stream: 'demo',
        selector: 'server',
        fragments: expect.any(String),
        sha256: sha256(object),
      });
      expect(json['s3']).toEqual([
        expect.objectContaining({
          bucket: 'bkt',
          key,
          bytes: object.length,
          sha256: sha256(object),
          sha256Stored: true,
          etag: head.ETag,
        }),
      ]);
      expect(partRequests(s3.requests).length).toBeGreaterThan(0);
      expect(await findFiles(join(dir, 'staging'), '.mp4')).toEqual([]);
      expect(await findFiles(join(dir, 'staging'), '.part')).toEqual([]);
    },
  );

  it('refuses an existing object with exit 7 before downloading when the key is fixed, and --force overwrites it', async () => {
    const args = ['get', 'demo', '--local', ...WINDOW, '-o', 's3://bkt/fixed/{stream}.mp4'];
    expect((await runCli(args, { cwd: dir, env: env() })).code).toBe(0);
    s3.requests.length = 0;
    const again = await runCli(args, { cwd: dir, env: env() });
    expect(again.code).toBe(7);
    expect(again.stderr).toContain('s3://bkt/fixed/demo.mp4 already exists');
    expect(again.stderr).not.toContain('downloaded');
    expect((await runCli([...args, '--force'], { cwd: dir, env: env() })).code).toBe(0);
  });

  it('lists an object --skip-existing left in --json as skipped, with its size, ETag and stored SHA-256 from one HeadObject', async () => {
    const args = ['get', 'demo', '--local', ...WINDOW, '-o', 's3://bkt/kept/{stream}.mp4', '--json'];
    const first = await runCli(args, { cwd: dir, env: env() });
    expect(first.code, first.stderr).toBe(0);
    const [written] = jsonOf(first)['s3'] as Record<string, unknown>[];
    s3.requests.length = 0;
    const again = await runCli([...args, '--skip-existing'], { cwd: dir, env: env() });
    expect(again.code, again.stderr).toBe(0);
    const json = jsonOf(again);
    expect(json['skipped']).toBe(true);
    expect(json['s3']).toEqual([
      {
        bucket: 'bkt',
        key: 'kept/demo.mp4',
        uri: 's3://bkt/kept/demo.mp4',
        bytes: written?.['bytes'],
        sha256: written?.['sha256'],
        sha256Stored: true,
        etag: written?.['etag'],
        versionId: null,
        skipped: true,
      },
    ]);
    // Facts from HeadObject: the object is not read, nothing is uploaded.
    expect(s3.requests.filter((request) => request.method !== 'HEAD')).toEqual([]);
    // An object some other tool put there has no x-amz-meta-sha256: null, and not "stored".
    const body = Buffer.from('not written by kvs-clip');
    await client.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'kept/other.mp4', Body: body }));
    const otherArgs = ['get', 'demo', '--local', ...WINDOW, '-o', 's3://bkt/kept/other.mp4', '--json'];
    const other = await runCli([...otherArgs, '--skip-existing'], { cwd: dir, env: env() });
    expect(other.code, other.stderr).toBe(0);
    expect(jsonOf(other)['s3']).toEqual([
      expect.objectContaining({ bytes: body.length, sha256: null, sha256Stored: false, skipped: true }),
    ]);
  });

  it('exits 7 naming a missing bucket before the first GetClip, leaving no scratch folder', async () => {
    const result = await runCli(['get', 'demo', '--local', ...WINDOW, '-o', 's3://no-such-bucket/x.mp4'], {
      cwd: dir,
      env: env(),
    });
    expect(result.code).toBe(7);
    expect(result.stderr).toContain('"no-such-bucket"');
    expect(result.stderr).not.toContain('downloaded');
    expect(await findFiles(join(dir, 'staging'), '.kvsclip.json')).toEqual([]);
  });

  it('exits 4 naming s3:GetObject and the HTTP status when the exists check is denied, before the first GetClip', async () => {
    const args = ['get', 'demo', '--local', ...WINDOW, '-o', 's3://bkt/denied/x.mp4'];
    const result = await runCli(args, { cwd: dir, env: env({ AWS_ACCESS_KEY_ID: 'NOT-S3RVER' }) });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toContain('kvs-clip: Access denied: s3:GetObject on s3://bkt/denied/x.mp4 (HTTP 403)');
    expect(result.stderr).not.toContain('downloaded');
  });

  it('refuses --format fragmented for a joined object or --gaps split runs (exit 2) before any request', async () => {
    for (const extra of [[], ['--gaps', 'split']]) {
      const args = ['get', 'demo', '--local', ...WINDOW, '-o', 's3://bkt/fmp4/{start:%H%M}.mp4', ...extra];
      const result = await runCli([...args, '--format', 'fragmented'], { cwd: dir, env: env() });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('kvs-clip: --format fragmented cannot write to S3');
    }
    expect(s3.requests).toEqual([]);
  });

  it('refuses --s3-kms-key-id without --s3-sse aws:kms (exit 2) before any request', async () => {
    const args = ['get', 'demo', '--local', ...WINDOW, '-o', 's3://bkt/kms/x.mp4', '--s3-kms-key-id', 'alias/k'];
    const result = await runCli(args, { cwd: dir, env: env() });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('kvs-clip: --s3-kms-key-id needs --s3-sse aws:kms');
    expect(s3.requests).toEqual([]);
  });

  it('exits 7 naming the folder when the staging folder cannot be made, for get, --split, --state and join', async () => {
    // Under /proc nothing can be created, and Node 20's recursive mkdir spins there for good.
    const staging = { KVS_CLIP_STAGING_DIR: '/proc/kvs-clip-staging' };
    await writeFile(join(dir, 'a.mp4'), 'not read: the scratch folder comes first');
    const runs = [
      ['get', 'demo', '--local', ...WINDOW, '-o', 's3://bkt/staging/x.mp4'],
      ['get', 'demo', '--local', ...WINDOW, '--split', '-o', 's3://bkt/staging/{index}.mp4'],
      ['get', 'demo', '--local', ...WINDOW, '-o', 's3://bkt/staging/c.mp4', '--state', 's3://bkt/staging/state.json'],
      ['join', 'a.mp4', '-o', 's3://bkt/staging/j.mp4'],
    ];
    for (const args of runs) {
      const result = await runCli(args, { cwd: dir, env: env(staging), timeoutMs: 60_000 });
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(7);
      expect(result.stderr).toContain('Could not write "/proc/kvs-clip-staging');
    }
  });

  it('refuses an --s3-* flag with a local output (exit 2), for get, join and archive, writing nothing', async () => {
    const runs = [
      ['get', 'demo', '--local', ...WINDOW, '-o', 'clip.mp4', '--s3-storage-class', 'GLACIER'],
      ['get', 'demo', '--local', ...WINDOW, '-o', 'clip.mp4', '--no-s3-sha256'],
      ['join', 'a.mp4', 'b.mp4', '-o', 'joined.mp4', '--s3-acl', 'bucket-owner-full-control'],
      ['archive', 'demo', '--local', '--since', '1h', '--state-dir', 'state', '--s3-sse', 'AES256'],
    ];
    for (const args of runs) {
      const result = await runCli(args, { cwd: dir, env: env() });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/^kvs-clip: --(no-)?s3-[a-z0-9-]+ only applies to -o s3:\/\/… outputs$/m);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('exits 2 without a retry hint when S3 refuses a setting (an unknown storage class)', async () => {
    const args = ['get', 'demo', '--local', ...WINDOW, '-o', 's3://bkt/class/x.mp4'];
    const result = await runCli([...args, '--s3-storage-class', 'NO_SUCH_CLASS'], { cwd: dir, env: env() });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('S3 refused s3:PutObject on s3://bkt/class/x.mp4: InvalidStorageClass (HTTP 400)');
    expect(result.stderr).toContain('hint: Check the --s3-* flags');
  });

  it('says what the socket said and points at the S3 endpoint when nothing listens there (exit 5)', async () => {
    const args = ['get', 'demo', '--local', ...WINDOW, '-o', 's3://bkt/refused/x.mp4'];
    const result = await runCli(args, { cwd: dir, env: env({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' }) });
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toContain('kvs-clip: S3 s3:GetObject on s3://bkt/refused/x.mp4 failed: connection refused');
    expect(result.stderr).toContain('check --s3-endpoint-url / AWS_ENDPOINT_URL_S3');
    expect(result.stderr).not.toContain('kvs-clip emulator');
  });

  it('writes one object per part with --split', async () => {
    const result = await runCli(
      ['get', 'demo', '--local', ...WINDOW, '--split', '-o', 's3://bkt/split/{index:02}.mp4', '--json'],
      { cwd: dir, env: env() },
    );
    expect(result.code, result.stderr).toBe(0);
    const outputs = jsonOf(result)['outputs'] as string[];
    expect(outputs.length).toBeGreaterThan(1);
    expect(outputs[0]).toBe('s3://bkt/split/01.mp4');
    for (const uri of outputs) expect((await objectBytes(uri.slice('s3://bkt/'.length))).length).toBeGreaterThan(0);
  });

  it('gives --exec the s3:// URI and shows the key in --dry-run', async () => {
    const result = await runCli(
      ['get', 'demo', '--local', ...WINDOW, '-o', 's3://bkt/exec/{stream}.mp4', '--exec', 'echo hook:{} >&2'],
      { cwd: dir, env: env() },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('hook:s3://bkt/exec/demo.mp4');
    const dry = await runCli(['get', 'demo', '--local', ...WINDOW, '-o', `s3://bkt/${TEMPLATE}`, '--dry-run'], {
      cwd: dir,
      env: env(),
    });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain(`Would write s3://bkt/${WINDOW_KEY}`);
  });

  it('names the object in --dry-run --json (wouldWrite), as it names the file of a local -o, with no S3 request', async () => {
    const args = ['get', 'demo', '--local', ...WINDOW, '--dry-run', '--json'];
    const dry = await runCli([...args, '-o', `s3://bkt/${TEMPLATE}`], { cwd: dir, env: env() });
    expect(dry.code, dry.stderr).toBe(0);
    expect(jsonOf(dry)).toMatchObject({ dryRun: true, output: null, wouldWrite: [`s3://bkt/${WINDOW_KEY}`] });
    expect(s3.requests).toEqual([]);
    const local = await runCli([...args, '-o', 'local/{stream}.mp4'], { cwd: dir, env: env() });
    expect(local.code, local.stderr).toBe(0);
    expect(jsonOf(local)['wouldWrite']).toEqual([join(dir, 'local', 'demo.mp4')]);
  });

  it('after a SIGKILL during the upload of 1 h, a rerun sends only unrecorded parts and gives the same SHA-256', async () => {
    const small = { KVS_CLIP_S3_PART_BYTES: String(5 * MIB), AWS_REGION: 'us-east-1' };
    // One emulator for every run (--local would start a new one per process, and a resume checks the stream ARN).
    const emulator = await startEmulator({ streams: demoStreams(END_MS + 60_000) });
    onTestFinished(() => emulator.close());
    const HOUR_WINDOW = [...HOUR_RANGE, '--endpoint-url', emulator.url];
    const reference = await runCli(['get', 'demo', ...HOUR_WINDOW, '-o', 's3://bkt/ref.mp4'], {
      cwd: dir,
      env: env(small),
    });
    expect(reference.code, reference.stderr).toBe(0);
    const expected = sha256(await objectBytes('ref.mp4'));
    const recordedParts = async (): Promise<number[]> => {
      const [statePath] = await findFiles(join(dir, 'staging'), 'upload.json');
      if (statePath === undefined) return [];
      const text = await readFile(statePath, 'utf8').catch(() => '{"parts":[]}');
      return (JSON.parse(text) as { parts: { partNumber: number }[] }).parts.map((part) => part.partNumber);
    };
    // Kill points: while part 3 hangs (parts 2 and 4 recorded), while part 4 hangs, and with no part in flight
    // hanging, as soon as two parts are recorded.
    for (const hangAt of [3, 4, 0]) {
      const key = `killed-${hangAt}.mp4`;
      s3.faults.length = 0;
      s3.requests.length = 0;
      if (hangAt > 0)
        s3.faults.push({ match: (r) => r.url.includes(`partNumber=${hangAt}&`), times: 1, status: 0, code: '' });
      const running = startCli(['get', 'demo', ...HOUR_WINDOW, '-o', `s3://bkt/${key}`], {
        cwd: dir,
        env: env(small),
      });
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const hung = s3.faults.every((fault) => fault.times === 0);
        if (hung && (await recordedParts()).length >= 2) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      running.child.kill('SIGKILL');
      await running.done;
      const recorded = await recordedParts();
      expect(recorded.length).toBeGreaterThan(0);
      s3.requests.length = 0;
      const rerun = await runCli(['get', 'demo', ...HOUR_WINDOW, '-o', `s3://bkt/${key}`], {
        cwd: dir,
        env: env(small),
      });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stderr).toContain('Resuming from');
      const resent = partRequests(s3.requests).map((request) => Number(/partNumber=(\d+)/.exec(request.url)?.[1]));
      expect(resent.filter((part) => recorded.includes(part))).toEqual([]);
      expect(resent.length).toBeGreaterThan(0);
      expect(sha256(await objectBytes(key))).toBe(expected);
      // Resumed, so not hashed while streaming: read back once and stored all the same.
      const head = await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: key }));
      expect(head.Metadata?.['sha256']).toBe(expected);
    }
  });

  it('two --state s3:// runs from empty directories cover the stream exactly once, the state written after the object', async () => {
    const cronArgs = [
      'get',
      'demo',
      '--local',
      '--since',
      '20m',
      '--state',
      's3://bkt/state/demo.json',
      '-o',
      's3://bkt/cron/{start:%H%M%S}.mp4',
      '--json',
    ];
    const results: Record<string, unknown>[] = [];
    for (const [run, nowMs] of [END_MS, END_MS + 10 * 60_000].entries()) {
      const fresh = join(dir, `container-${run}`);
      await mkdir(fresh);
      s3.requests.length = 0;
      const result = await runCli(cronArgs, {
        cwd: fresh,
        env: env({ KVS_CLIP_NOW: iso(nowMs), KVS_CLIP_STAGING_DIR: join(fresh, 'staging') }),
      });
      expect(result.code, result.stderr).toBe(0);
      results.push(jsonOf(result));
      const lastPut = s3.requests.filter((request) => request.method === 'PUT' || request.method === 'POST').at(-1);
      expect(lastPut?.url).toContain('/bkt/state/demo.json');
    }
    const [first, second] = results as {
      window: { start: string; end: string };
      covered: { start: string; end: string };
      output: string;
    }[];
    if (first === undefined || second === undefined) throw new Error('two runs expected');
    // No fragment twice (the second run starts after the first one's last fragment) and none missed (the demo
    // streams have 2 s fragments, so the next fragment starts within one fragment of the first run's end).
    // The second run continues at the first one's cursor: after the start of its last fragment (2 s fragments, so
    // within 2 s of its covered end) and takes nothing before that cursor. (--local re-anchors the demo streams at
    // each run's "now", so fragment numbers cannot be compared across these two runs.)
    const cursor = Date.parse(second.window.start);
    expect(cursor).toBeGreaterThan(Date.parse(first.covered.end) - 2_100);
    expect(cursor).toBeLessThanOrEqual(Date.parse(first.covered.end));
    expect(Date.parse(second.covered.start)).toBeGreaterThanOrEqual(cursor);
    expect(first.output).not.toBe(second.output);
    for (const uri of [first.output, second.output])
      expect((await objectBytes(uri.slice('s3://bkt/'.length))).length).toBeGreaterThan(0);
    const state = JSON.parse((await objectBytes('state/demo.json')).toString('utf8')) as { cursorMs: number };
    expect(state.cursorMs).toBeGreaterThan(Date.parse(second.covered.start));
  });
});
