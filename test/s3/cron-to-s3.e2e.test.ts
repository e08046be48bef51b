/**
 * `get --state s3://… -o s3://…` as a cron job in fresh containers: each run starts from an empty HOME, TMPDIR and
 * working directory, so the state object in S3 is all that links the runs. Checked by fragment numbers: the
 * emulator's ListFragments against the fragments each object's metadata and the state's cursor account for.
 */
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ListFragmentsCommand, type Fragment } from '@aws-sdk/client-kinesis-video-archived-media';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoStreams } from '../../src/emulator/demo-streams.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { createS3Client } from '../../src/s3/s3-client.js';
import { sdkClients } from '../emulator/support/sdk-clients.js';
import { objectBytes, s3CliEnv } from '../support/s3-cli.js';
import { startTestS3, type TestS3 } from '../support/s3rver.js';
import { jsonOf, killSpawnedClis, runCli } from '../support/spawn-cli.js';

const END_MS = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

let s3: TestS3;
let client: S3Client;
let emulator: RunningEmulator;
let root: string;

/** Every fragment of the stream, by server timestamp, as ListFragments pages them. */
async function listedFragments(stream: string): Promise<Fragment[]> {
  const { media } = sdkClients(emulator, undefined, stream);
  const all: Fragment[] = [];
  let token: string | undefined;
  do {
    const page = await media.send(
      new ListFragmentsCommand({
        StreamName: stream,
        ...(token === undefined
          ? {
              FragmentSelector: {
                FragmentSelectorType: 'SERVER_TIMESTAMP',
                TimestampRange: { StartTimestamp: new Date(END_MS - 40 * 60_000), EndTimestamp: new Date(END_MS) },
              },
            }
          : { NextToken: token }),
      }),
    );
    all.push(...(page.Fragments ?? []));
    token = page.NextToken;
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // ListFragments: 5 calls/s per stream
  } while (token !== undefined);
  media.destroy();
  return all.sort((a, b) => (a.ServerTimestamp?.getTime() ?? 0) - (b.ServerTimestamp?.getTime() ?? 0));
}

/**
 * The fragments (numbers) an object holds: those starting within its metadata's [start, end] (`end` is the start of
 * its last fragment, on the selector's timeline).
 */
function fragmentsOf(listed: readonly Fragment[], metadata: Record<string, string>): string[] {
  const startMs = Date.parse(metadata['start'] ?? '');
  const endMs = Date.parse(metadata['end'] ?? '');
  return listed
    .filter((f) => (f.ServerTimestamp?.getTime() ?? -1) >= startMs && (f.ServerTimestamp?.getTime() ?? -1) <= endMs)
    .map((f) => f.FragmentNumber ?? '');
}

beforeAll(async () => {
  s3 = await startTestS3({ buckets: ['bkt'] });
  client = createS3Client({ endpointUrl: s3.url, region: 'us-east-1', credentials: s3.credentials });
  // Quotas on for the CLI runs (they pace as against AWS); the test's own ListFragments pages wait for them.
  emulator = await startEmulator({ streams: demoStreams(END_MS + 60_000) });
  root = await mkdtemp(join(tmpdir(), 'kvs-clip-cron-s3-'));
});
afterAll(async () => {
  client.destroy();
  await emulator.close();
  await s3.close();
  await rm(root, { recursive: true, force: true });
});
afterEach(() => killSpawnedClis());

describe('get --state s3:// from fresh containers', () => {
  it('names the state by its s3:// URI when a first run starts it, not by the local working copy', async () => {
    const container = join(root, 'container-label');
    await mkdir(container);
    const args = ['get', 'demo', '--endpoint-url', emulator.url, '--since', '5m', '--state', 's3://bkt/label.json'];
    args.push('-o', 's3://bkt/label/{stream}/{start:%Y%m%dT%H%M%SZ}.mp4');
    const result = await runCli(args, { cwd: container, env: s3CliEnv(s3, container, { KVS_CLIP_NOW: iso(END_MS) }) });
    await rm(container, { recursive: true, force: true });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^Started the archive state s3:\/\/bkt\/label\.json at /m);
  });

  it('a rerun of a window whose object an earlier run completed lists it in --json as skipped, with its ETag and SHA-256', async () => {
    const state = 's3://bkt/done-state.json';
    const args = ['get', 'demo', '--endpoint-url', emulator.url, '--since', '5m', '--state', state, '--json'];
    args.push('-o', 's3://bkt/done/{stream}/{start:%Y%m%dT%H%M%SZ}.mp4');
    const run = async (index: number, extra: readonly string[]) => {
      const container = join(root, `container-done-${index}`);
      await mkdir(container);
      const env = s3CliEnv(s3, container, { KVS_CLIP_NOW: iso(END_MS) });
      const result = await runCli([...args, ...extra], { cwd: container, env });
      await rm(container, { recursive: true, force: true });
      return result;
    };
    // The first run writes the object; its failing hook leaves the window pending in the state object.
    const first = await run(1, ['--exec', 'false']);
    expect(first.code, first.stderr).toBe(8);
    const saved = JSON.parse((await objectBytes(client, 'bkt', 'done-state.json')).toString('utf8')) as {
      pending: { output: string; written?: unknown; steps?: unknown };
    };
    const key = saved.pending.output.slice('s3://bkt/'.length);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: key }));
    expect(head.Metadata?.['sha256']).toMatch(/^[0-9a-f]{64}$/);
    // As a run cut after the object was complete but before it recorded that: the window is pending, no more.
    const { written: _written, steps: _steps, ...pending } = saved.pending;
    const body = JSON.stringify({ ...saved, pending });
    await client.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'done-state.json', Body: body }));
    const second = await run(2, []);
    expect(second.code, second.stderr).toBe(0);
    expect(jsonOf(second)).toMatchObject({
      skipped: true,
      s3: [
        {
          bucket: 'bkt',
          key,
          uri: saved.pending.output,
          bytes: head.ContentLength,
          sha256: head.Metadata?.['sha256'],
          sha256Stored: true,
          etag: head.ETag,
          versionId: null,
          skipped: true,
        },
      ],
    });
  });

  it('two consecutive runs cover the stream exactly once by fragment number, and an owed --exec survives in the S3 state', async () => {
    const args = [
      'get',
      'demo',
      '--endpoint-url',
      emulator.url,
      '--since',
      '20m',
      '--state',
      's3://bkt/state.json',
      '-o',
      's3://bkt/{stream}/{start:%Y%m%dT%H%M%SZ}.mp4',
      // Fails unless HOOK_OK is set: the first run's hook is owed to the next run.
      '--exec',
      'echo hook:{} >&2; test -n "$HOOK_OK"',
    ];
    const run = async (index: number, nowMs: number, extra: Record<string, string>) => {
      const container = join(root, `container-${index}`); // empty: HOME, TMPDIR, cwd and staging
      await mkdir(container);
      const result = await runCli(args, {
        cwd: container,
        env: s3CliEnv(s3, container, { KVS_CLIP_NOW: iso(nowMs), ...extra }),
      });
      await rm(container, { recursive: true, force: true });
      const state = JSON.parse((await objectBytes(client, 'bkt', 'state.json')).toString('utf8')) as {
        lastFragmentNumber?: string;
        pending?: { output?: string; steps?: unknown[]; written?: { lastFragmentNumber?: string } };
      };
      return { result, state };
    };

    const first = await run(1, END_MS - 10 * 60_000, {});
    expect(first.result.code, first.result.stderr).toBe(8); // the object is written, its hook failed
    const keys = async () =>
      ((await client.send(new ListObjectsV2Command({ Bucket: 'bkt', Prefix: 'demo/' }))).Contents ?? []).map(
        (object) => object.Key ?? '',
      );
    const [firstKey] = await keys();
    if (firstKey === undefined) throw new Error('the first run wrote no object');
    expect(first.result.stderr).toContain(`hook:s3://bkt/${firstKey}`);
    // The owed hook is in the state object, not only on the first container's (gone) disk.
    expect(first.state.pending?.output).toBe(`s3://bkt/${firstKey}`);
    expect(first.state.pending?.steps?.length).toBe(1);

    const second = await run(2, END_MS, { HOOK_OK: '1' });
    expect(second.result.code, second.result.stderr).toBe(0);
    const both = await keys();
    expect(both).toHaveLength(2);
    const secondKey = both.find((key) => key !== firstKey) ?? '';
    // The owed hook ran once, for the first object, before the second run's own hook.
    const hooks = second.result.stderr.split('\n').filter((line) => line.startsWith('hook:'));
    expect(hooks).toEqual([`hook:s3://bkt/${firstKey}`, `hook:s3://bkt/${secondKey}`]);
    expect(second.state.pending).toBeUndefined();

    const listed = await listedFragments('demo');
    const numbers = listed.map((f) => f.FragmentNumber ?? '');
    const meta = async (key: string) =>
      (await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: key }))).Metadata ?? {};
    const [firstMeta, secondMeta] = [await meta(firstKey), await meta(secondKey)];
    const inFirst = fragmentsOf(listed, firstMeta);
    const inSecond = fragmentsOf(listed, secondMeta);
    expect(inFirst.length).toBe(Number(firstMeta['fragments']));
    expect(inSecond.length).toBe(Number(secondMeta['fragments']));
    // Each run ends at the fragment its state records; the second starts at the very next fragment listed.
    // (The first run's cursor waits in `pending.written` until its owed hook has run.)
    expect(inFirst.at(-1)).toBe(first.state.pending?.written?.lastFragmentNumber);
    expect(inSecond.at(-1)).toBe(second.state.lastFragmentNumber);
    const at = (fragment: string | undefined) => numbers.indexOf(fragment ?? '');
    expect(at(inSecond[0])).toBe(at(inFirst.at(-1)) + 1);
    // Together: one contiguous run of fragment numbers, none twice.
    const together = [...inFirst, ...inSecond];
    expect(new Set(together).size).toBe(together.length);
    expect(together).toEqual(numbers.slice(at(inFirst[0]), at(inFirst[0]) + together.length));
  });
});
