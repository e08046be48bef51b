import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeStreamCommand, ListStreamsCommand } from '@aws-sdk/client-kinesis-video';
import { ListFragmentsCommand } from '@aws-sdk/client-kinesis-video-archived-media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClipShape } from '../../src/emulator/clip-shape.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { decodeFrames, describeMedia, itMedia, packetHashes, packetTimes } from '../support/ffmpeg.js';
import { rejection, sdkClients } from './support/sdk-clients.js';

const run = promisify(execFile);
const NOW = Date.UTC(2026, 5, 15, 12, 0, 0, 250);
const streams = [{ name: 'cam', source: { preset: 'h264_aac' as const }, spanMs: 3_600_000 }];
let dir: string;
let quirky: RunningEmulator;
let quirkyOpen: RunningEmulator;
const shaped = new Map<ClipShape, RunningEmulator>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-emu-realism-'));
  for (const shape of ['aws', 'fixture'] as const) {
    shaped.set(shape, await startEmulator({ auth: false, quotas: false, now: () => NOW, streams, clipShape: shape }));
  }
  quirky = await startEmulator({ quotas: false, now: () => NOW, auth: { strict: true }, streams, quirks: true });
  quirkyOpen = await startEmulator({ quotas: false, now: () => NOW, auth: false, streams, quirks: true });
});

afterAll(async () => {
  for (const emu of [...shaped.values(), quirky, quirkyOpen]) await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

async function clipFile(shape: ClipShape): Promise<string> {
  const emu = shaped.get(shape);
  if (emu === undefined) throw new Error(`no emulator for ${shape}`);
  const response = await fetch(`${emu.dataUrl('cam')}/getClip`, {
    method: 'POST',
    body: JSON.stringify({
      StreamName: 'cam',
      ClipFragmentSelector: {
        FragmentSelectorType: 'PRODUCER_TIMESTAMP',
        TimestampRange: { StartTimestamp: (NOW - 60_000) / 1000, EndTimestamp: NOW / 1000 },
      },
    }),
  });
  expect(response.status).toBe(200);
  const file = join(dir, `${shape}.mp4`);
  await writeFile(file, Buffer.from(await response.arrayBuffer()));
  return file;
}

type Probed = { codec_type: string; time_base: string; tags?: Record<string, string> };

async function probeStreams(file: string): Promise<Probed[]> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_type,time_base:stream_tags',
    '-of',
    'json',
    file,
  ]);
  return (JSON.parse(stdout) as { streams: Probed[] }).streams;
}

describeMedia('GetClip clip shapes', () => {
  itMedia(
    'shapes a default clip like real GetClip output: 1/1000 video time base, eng, USP handlers, creation time',
    async () => {
      const file = await clipFile('aws');
      const [video, audio] = await probeStreams(file);
      expect(video).toMatchObject({ codec_type: 'video', time_base: '1/1000' });
      expect(video?.tags).toMatchObject({ language: 'eng', handler_name: 'USP Video Handler' });
      expect(audio?.tags).toMatchObject({ language: 'eng', handler_name: 'USP Sound Handler' });
      // creation_time is the request's time (the emulator clock), to the second.
      expect(video?.tags?.['creation_time']).toBe('2026-06-15T12:00:00.000000Z');
      expect(video?.tags?.['encoder']).toBeUndefined();
      expect((await decodeFrames(file)).errors).toEqual([]);
    },
  );

  itMedia('jitters frame times by at most a millisecond around the exact times, never backwards', async () => {
    const { packets, timeBase } = await packetTimes(await clipFile('aws'), 'v');
    expect(timeBase).toBe('1/1000');
    const durations = packets.slice(1).map((p, i) => (p.dts ?? 0) - (packets[i]?.dts ?? 0));
    expect(new Set(durations).size).toBeGreaterThan(1);
    const exactMs = 1000 / 15;
    // Rounding (±0.5 ms) and a ±1 ms move at both ends of each frame: within 3 ms of the exact 66.7 ms.
    for (const d of durations) expect(Math.abs(d - exactMs)).toBeLessThanOrEqual(3);
    expect(durations.every((d) => d > 0)).toBe(true);
  });

  itMedia('keeps the fixture shape as an option, with the same packets as the default shape', async () => {
    const [aws, fixture] = [await clipFile('aws'), await clipFile('fixture')];
    const [video] = await probeStreams(fixture);
    expect(video?.time_base).toBe('1/15360');
    expect(video?.tags?.['handler_name']).toBe('VideoHandler');
    expect(await packetHashes(aws, 'v')).toEqual(await packetHashes(fixture, 'v'));
    expect(await packetHashes(aws, 'a')).toEqual(await packetHashes(fixture, 'a'));
  });
});

describe('quirks', () => {
  it('sends explicit nulls and exponent-form CreationTime, which the SDK reads as absent and as a Date', async () => {
    const { control, media } = sdkClients(quirky);
    const raw = await (
      await fetch(`${quirkyOpen.url}/describeStream`, { method: 'POST', body: '{"StreamName":"cam"}' })
    ).text();
    expect(raw).toMatch(/"IngestionConfiguration":null/);
    expect(raw).toMatch(/"CreationTime":\d\.\d+E9[,}]/);
    const info = (await control.send(new DescribeStreamCommand({ StreamName: 'cam' }))).StreamInfo;
    expect(info?.CreationTime?.getTime()).toBe(quirky.streams.get('cam')?.description.creationMs);
    const listed = await control.send(new ListStreamsCommand({}));
    expect(listed.NextToken).toBeUndefined();
    const fragments = await media.send(
      new ListFragmentsCommand({
        StreamName: 'cam',
        FragmentSelector: {
          FragmentSelectorType: 'PRODUCER_TIMESTAMP',
          TimestampRange: { StartTimestamp: new Date(NOW - 10_000), EndTimestamp: new Date(NOW) },
        },
      }),
    );
    expect(fragments.Fragments?.length).toBeGreaterThan(0);
    expect(fragments.NextToken).toBeUndefined();
  });

  it('answers errors without __type and with the Coral suffix on auth errors, still typed by the SDK', async () => {
    const unsigned = await fetch(`${quirky.url}/listStreams`, { method: 'POST', body: '{}' });
    expect(unsigned.headers.get('x-amzn-errortype')).toBe(
      'MissingAuthenticationTokenException:http://internal.amazon.com/coral/com.amazon.coral.service/',
    );
    const body = (await unsigned.json()) as Record<string, unknown>;
    expect(body['__type']).toBeUndefined();
    expect(Object.keys(body)).toHaveLength(1);
    const error = await rejection(sdkClients(quirky).control.send(new DescribeStreamCommand({ StreamName: 'nope' })));
    expect([error.name, error.message]).toEqual([
      'ResourceNotFoundException',
      'The requested stream is not found or not active.',
    ]);
  });
});
