import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { decodeFrames, describeMedia, itMedia, streamInfo } from '../support/ffmpeg.js';

const run = promisify(execFile);
const NOW = Date.now();
// Whole seconds: botocore truncates timestamps to seconds (kvs-api.md §2).
const FROM_S = Math.floor((NOW - 1_800_000) / 1000);
const TO_S = FROM_S + 9;
let emu: RunningEmulator;
let strict: RunningEmulator;
let skewed: RunningEmulator;
let dir: string;

/** Somebody's real-looking keys (AWS's documentation example), not the emulator's. */
const ARBITRARY = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/**
 * The AWS CLI v2 and boto3 read credentials from the environment only (no user config files); the region only from
 * AWS_DEFAULT_REGION, which is what boto3 reads (it ignores AWS_REGION).
 */
function clientEnv(credentials: { accessKeyId: string; secretAccessKey: string } = ARBITRARY): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: dir,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

async function aws(args: string[], endpoint = emu.url): Promise<string> {
  const { stdout } = await run('/usr/bin/aws', [...args, '--endpoint-url', endpoint, '--output', 'json'], {
    env: clientEnv(),
  });
  return stdout;
}

/** The data endpoint as a script gets it: from `aws kinesisvideo get-data-endpoint`. */
async function dataEndpoint(apiName: string): Promise<string> {
  const out = JSON.parse(
    await aws(['kinesisvideo', 'get-data-endpoint', '--stream-name', 'cam', '--api-name', apiName]),
  ) as { DataEndpoint: string };
  return out.DataEndpoint;
}

const selector = JSON.stringify({
  FragmentSelectorType: 'PRODUCER_TIMESTAMP',
  TimestampRange: { StartTimestamp: FROM_S, EndTimestamp: TO_S },
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-emu-cli-'));
  emu = await startEmulator({
    now: () => Date.now(),
    streams: [{ name: 'cam', source: { preset: 'h264_aac' }, spanMs: 3_600_000, endMs: NOW, skewMs: 3_000 }],
  });
  const few = [{ name: 'cam', source: { preset: 'h264' as const }, spanMs: 600_000 }];
  strict = await startEmulator({ auth: { strict: true }, streams: few });
  // The emulator's clock for the signature check runs 10 minutes ahead: every client signature looks expired.
  skewed = await startEmulator({ auth: { now: () => Date.now() + 600_000 }, streams: few });
});

afterAll(async () => {
  await Promise.all([emu.close(), strict.close(), skewed.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describeMedia('AWS CLI v2 and boto3 against the emulator', () => {
  const expected = () => emu.fragments('cam', { startMs: FROM_S * 1000, endMs: TO_S * 1000 });

  itMedia('kinesisvideo list-streams lists the stream with arbitrary credentials', async () => {
    const out = JSON.parse(await aws(['kinesisvideo', 'list-streams'])) as { StreamInfoList: { StreamName: string }[] };
    expect(out.StreamInfoList.map((s) => s.StreamName)).toEqual(['cam']);
  });

  itMedia('with --strict-auth the AWS CLI and boto3 get UnrecognizedClientException, the own key works', async () => {
    const cli = await run('/usr/bin/aws', ['kinesisvideo', 'list-streams', '--endpoint-url', strict.url], {
      env: clientEnv(),
    }).catch((error: { stderr: string; code: number }) => error);
    expect('stderr' in cli ? cli.stderr : '').toContain('(UnrecognizedClientException)');
    const script = [
      'import boto3, botocore.exceptions, sys',
      "c = boto3.client('kinesisvideo', endpoint_url=sys.argv[1])",
      'try:',
      '    c.list_streams()',
      "    print('ok')",
      'except botocore.exceptions.ClientError as e:',
      "    print(e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'])",
    ].join('\n');
    const boto = await run('/usr/bin/python3', ['-c', script, strict.url], { env: clientEnv() });
    expect(boto.stdout.trim()).toBe('UnrecognizedClientException 403');
    const own = await run('/usr/bin/python3', ['-c', script, strict.url], { env: clientEnv(LOCAL_CREDENTIALS) });
    expect(own.stdout.trim()).toBe('ok');
  });

  itMedia('answers an expired signature with 403 InvalidSignatureException "Signature expired"', async () => {
    const script = [
      'import boto3, botocore.exceptions, botocore.config, sys',
      "c = boto3.client('kinesisvideo', endpoint_url=sys.argv[1], config=botocore.config.Config(retries={'max_attempts': 1}))",
      'try:',
      '    c.list_streams()',
      "    print('ok')",
      'except botocore.exceptions.ClientError as e:',
      "    print(e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'], e.response['Error']['Message'][:17])",
    ].join('\n');
    const boto = await run('/usr/bin/python3', ['-c', script, skewed.url], { env: clientEnv() });
    expect(boto.stdout.trim()).toBe('InvalidSignatureException 403 Signature expired');
  });

  itMedia("kinesisvideo get-data-endpoint returns the stream's data endpoint, not the control URL", async () => {
    expect(await dataEndpoint('GET_CLIP')).toBe(emu.dataUrl('cam'));
    expect(await dataEndpoint('GET_CLIP')).not.toBe(emu.url);
  });

  itMedia('kinesis-video-archived-media list-fragments lists the range with ms timestamps', async () => {
    const out = JSON.parse(
      await aws(
        ['kinesis-video-archived-media', 'list-fragments', '--stream-name', 'cam', '--fragment-selector', selector],
        await dataEndpoint('LIST_FRAGMENTS'),
      ),
    ) as {
      Fragments: { FragmentNumber: string; ProducerTimestamp: string }[];
    };
    const numbers = out.Fragments.map((f) => f.FragmentNumber).sort();
    expect(numbers).toEqual(
      expected()
        .map((f) => f.fragmentNumber)
        .sort(),
    );
    expect(numbers.every((n) => /^\d{47}$/.test(n))).toBe(true);
  });

  itMedia(
    'kinesis-video-archived-media get-clip saves an MP4 that probes and decodes with the expected frame count',
    async () => {
      const file = join(dir, 'cli-clip.mp4');
      const out = JSON.parse(
        await aws(
          [
            'kinesis-video-archived-media',
            'get-clip',
            '--stream-name',
            'cam',
            '--clip-fragment-selector',
            selector,
            file,
          ],
          await dataEndpoint('GET_CLIP'),
        ),
      ) as { ContentType: string };
      expect(out.ContentType).toBe('video/mp4');
      const fragments = expected();
      const streams = await streamInfo(file);
      expect(streams.find((s) => s.kind === 'v')?.packets).toBe(fragments.length * 30);
      expect(streams.find((s) => s.kind === 'a')?.codec).toBe('aac');
      expect((await decodeFrames(file)).errors).toEqual([]);
      const log = emu.log.ofOp('GetClip').at(-1);
      expect(log).toMatchObject({ status: 200, fragmentsServed: fragments.length });
      expect(
        (log?.body as { ClipFragmentSelector: { TimestampRange: { StartTimestamp: unknown } } }).ClipFragmentSelector
          .TimestampRange.StartTimestamp,
      ).toBe(FROM_S);
    },
  );

  itMedia('boto3 runs list_fragments and get_clip', async () => {
    const file = join(dir, 'boto3-clip.mp4');
    const script = [
      'import boto3, datetime, json, sys, time',
      'url, start, end, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]',
      "kv = boto3.client('kinesisvideo', endpoint_url=url)",
      "data = kv.get_data_endpoint(StreamName='cam', APIName='GET_CLIP')['DataEndpoint']",
      "c = boto3.client('kinesis-video-archived-media', endpoint_url=data)",
      'rng = {"StartTimestamp": datetime.datetime.fromtimestamp(start, datetime.timezone.utc), "EndTimestamp": datetime.datetime.fromtimestamp(end, datetime.timezone.utc)}',
      "frags = c.list_fragments(StreamName='cam', FragmentSelector={'FragmentSelectorType': 'PRODUCER_TIMESTAMP', 'TimestampRange': rng})['Fragments']",
      '# GetClip is limited to 1 call per second per stream; the previous test may have called it just now.',
      'time.sleep(1.1)',
      "clip = c.get_clip(StreamName='cam', ClipFragmentSelector={'FragmentSelectorType': 'PRODUCER_TIMESTAMP', 'TimestampRange': rng})",
      "open(path, 'wb').write(clip['Payload'].read())",
      "print(json.dumps({'fragments': len(frags), 'type': clip['ContentType'], 'first': str(frags[0]['ProducerTimestamp'])}))",
    ].join('\n');
    const { stdout } = await run('/usr/bin/python3', ['-c', script, emu.url, String(FROM_S), String(TO_S), file], {
      env: clientEnv(),
    });
    const out = JSON.parse(stdout) as { fragments: number; type: string; first: string };
    expect(out).toMatchObject({ fragments: expected().length, type: 'video/mp4' });
    expect((await streamInfo(file)).find((s) => s.kind === 'v')?.packets).toBe(expected().length * 30);
    expect((await decodeFrames(file)).errors).toEqual([]);
  });
});
