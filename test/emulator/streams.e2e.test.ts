import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetClipCommand, paginateListFragments } from '@aws-sdk/client-kinesis-video-archived-media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FIXTURE_DIR } from '../../src/emulator/load-loop-media.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { parseStreamSpec } from '../../src/emulator/stream-spec.js';
import { decodeFrames, describeMedia, itMedia, streamInfo } from '../support/ffmpeg.js';
import { sdkClients } from './support/sdk-clients.js';

const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const HOUR = 3_600_000;
let emu: RunningEmulator;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-emu-streams-'));
  emu = await startEmulator({
    auth: false,
    quotas: false,
    now: () => NOW,
    caps: { maxBytes: 120_000 },
    streams: [
      parseStreamSpec('long=h264_aac,fragment=2s,span=48h,gap=10:00-10:05,skew=11s'),
      parseStreamSpec('short=h264_aac,fragment=2s,span=1h'),
      parseStreamSpec('fat=h264,fragment=1s,span=1h,bitrate=4x'),
      parseStreamSpec('thin=h264,fragment=1s,span=1h'),
      parseStreamSpec(`file=${join(DEFAULT_FIXTURE_DIR, 'h264_aac.full.mp4')},fragment=2s`),
      parseStreamSpec('switch=h264_aac,span=1h,cpd-change=11:30'),
    ],
  });
});

afterAll(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

async function clip(stream: string, fromMs: number, toMs: number, name: string): Promise<string> {
  const out = await sdkClients(emu).media.send(
    new GetClipCommand({
      StreamName: stream,
      ClipFragmentSelector: {
        FragmentSelectorType: 'PRODUCER_TIMESTAMP',
        TimestampRange: { StartTimestamp: new Date(fromMs), EndTimestamp: new Date(toMs) },
      },
    }),
  );
  const file = join(dir, name);
  await writeFile(file, (await out.Payload?.transformToByteArray()) ?? new Uint8Array(0));
  return file;
}

describe('synthetic streams over HTTP', () => {
  it('lists all 86,400 fragments of a 48 h stream (minus its daily gaps) through the SDK paginator', async () => {
    let count = 0;
    let inGap = 0;
    const paginator = paginateListFragments(
      { client: sdkClients(emu).media, pageSize: 1000 },
      {
        StreamName: 'long',
        FragmentSelector: {
          FragmentSelectorType: 'SERVER_TIMESTAMP',
          TimestampRange: { StartTimestamp: new Date(NOW - 49 * HOUR), EndTimestamp: new Date(NOW) },
        },
      },
    );
    for await (const page of paginator) {
      for (const f of page.Fragments ?? []) {
        count += 1;
        const at = f.ProducerTimestamp ?? new Date(0);
        if (at.getUTCHours() === 10 && at.getUTCMinutes() < 5) inGap += 1;
      }
    }
    expect(inGap).toBe(0);
    expect(count).toBe(86_400 - 2 * 150);
  });

  it('costs no memory per fragment: a 48 h stream holds the same state as a 1 h one', () => {
    const long = emu.streams.get('long');
    const short = emu.streams.get('short');
    expect(long?.slotCount).toBe(86_400);
    expect(Object.keys(long ?? {})).toEqual(Object.keys(short ?? {}));
  });

  it('caps a clip at the configured byte limit after whole fragments', async () => {
    const fragments = emu.fragments('short', { startMs: NOW - HOUR, endMs: NOW - HOUR + 60_000 });
    await clip('short', NOW - HOUR, NOW - HOUR + 60_000, 'capped.mp4');
    let total = 0;
    const fit = fragments.filter((f) => (total += f.sizeBytes) <= 120_000).length;
    expect(emu.log.ofOp('GetClip').at(-1)?.fragmentsServed).toBe(fit);
  });
});

describeMedia('synthetic stream media', () => {
  itMedia('pads video with filler NAL units: 4x the bytes, same frames, still decodable', async () => {
    const fragments = emu.fragments('fat', { startMs: NOW - HOUR, endMs: NOW - HOUR + 4_000 });
    const file = await clip('fat', NOW - HOUR, NOW - HOUR + 4_000, 'fat.mp4');
    const plain = emu.fragments('thin', { startMs: NOW - HOUR, endMs: NOW - HOUR + 4_000 });
    expect(fragments.length).toBe(5);
    const ratio = fragments.reduce((s, f) => s + f.sizeBytes, 0) / plain.reduce((s, f) => s + f.sizeBytes, 0);
    expect(ratio).toBeGreaterThan(3.95);
    expect(ratio).toBeLessThan(4.05);
    expect((await streamInfo(file)).find((s) => s.kind === 'v')?.packets).toBe(75);
    expect((await decodeFrames(file)).errors).toEqual([]);
  });

  itMedia('serves a user MP4 cut at keyframes into 2 s fragments ending now', async () => {
    const fragments = emu.fragments('file', { startMs: NOW - HOUR, endMs: NOW });
    expect(fragments.map((f) => f.durationMs)).toEqual([2000, 2000, 2000, 2000]);
    expect(fragments.at(-1)?.producerMs).toBe(NOW - 2000);
    const file = await clip('file', NOW - HOUR, NOW, 'file.mp4');
    const info = await streamInfo(file);
    expect(info.map((s) => [s.kind, s.packets])).toEqual([
      ['v', 120],
      ['a', 125],
    ]);
    expect((await decodeFrames(file)).errors).toEqual([]);
  });

  itMedia('switches resolution after a codec-config change: each side decodes at its own size', async () => {
    const change = Date.UTC(2026, 5, 15, 11, 30);
    const before = await clip('switch', change - 6_000, change - 1, 'before.mp4');
    const after = await clip('switch', change, change + 6_000, 'after.mp4');
    expect((await decodeFrames(before)).sizes.map((r) => r.size)).toEqual(['320x180']);
    expect((await decodeFrames(after)).sizes.map((r) => r.size)).toEqual(['480x270']);
    const reference = join(dir, 'across.mp4');
    await emu.expectedClip('switch', { startMs: change - 4_000, endMs: change + 2_000 }).writeTo(reference);
    expect((await decodeFrames(reference)).errors).toEqual([]);
  });
});
