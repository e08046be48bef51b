import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetClipCommand } from '@aws-sdk/client-kinesis-video-archived-media';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect } from 'vitest';
import type { StreamFragment } from '../../src/emulator/emulated-stream.js';
import { DEFAULT_FIXTURE_DIR, PRESET_FILES } from '../../src/emulator/load-loop-media.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import type { Preset } from '../../src/emulator/stream-spec.js';
import type { ClipLayout } from '../../src/mp4/model.js';
import { decodeFrames, describeMedia, itMedia, probePackets } from '../support/ffmpeg.js';
import { sdkClients } from './support/sdk-clients.js';

const NOW = Date.now();
const FRAGMENT_S = 3;
const LOOP_FRAMES = 120;
const LOOP_AAC = 125;
let dir: string;
const emulators: RunningEmulator[] = [];

async function emulator(clipLayout: ClipLayout): Promise<RunningEmulator> {
  const presets: Preset[] = ['h264', 'h264_aac', 'h265', 'h265_aac', 'h264_alaw'];
  const emu = await startEmulator({
    auth: false,
    quotas: false,
    clipLayout,
    now: () => NOW,
    streams: presets.map((preset) => ({
      name: preset,
      source: { preset },
      spanMs: 3_600_000,
      fragmentSeconds: FRAGMENT_S,
    })),
  });
  emulators.push(emu);
  return emu;
}

/** Fetches a clip over HTTP with the SDK and writes it to disk. */
async function fetchClip(
  emu: RunningEmulator,
  stream: string,
  fragments: readonly StreamFragment[],
  name: string,
): Promise<string> {
  const first = fragments[0];
  const last = fragments.at(-1);
  if (first === undefined || last === undefined) throw new Error('no fragments');
  const out = await sdkClients(emu).media.send(
    new GetClipCommand({
      StreamName: stream,
      ClipFragmentSelector: {
        FragmentSelectorType: 'PRODUCER_TIMESTAMP',
        TimestampRange: { StartTimestamp: new Date(first.producerMs), EndTimestamp: new Date(last.producerMs) },
      },
    }),
  );
  const file = join(dir, name);
  await writeFile(file, (await out.Payload?.transformToByteArray()) ?? new Uint8Array(0));
  return file;
}

/** Four fragments crossing the 8 s loop boundary (slot 2 covers 6-9 s of the loop). */
function crossingFragments(emu: RunningEmulator, stream: string): StreamFragment[] {
  const all = emu.fragments(stream, { startMs: NOW - 600_000, endMs: NOW });
  const start = all.findIndex((f) => (f.slot * FRAGMENT_S) % 8 === 6);
  return all.slice(start, start + 4);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-emu-bytes-'));
});

afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()));
  rmSync(dir, { recursive: true, force: true });
});

describeMedia('GetClip bytes', () => {
  for (const preset of ['h264', 'h264_aac', 'h265', 'h265_aac', 'h264_alaw'] as const) {
    itMedia(`serves ${preset} packets bit-identical to the fixture's, looping without decode errors`, async () => {
      const emu = emulators[0] ?? (await emulator('moov-first'));
      const fragments = crossingFragments(emu, preset);
      const file = await fetchClip(emu, preset, fragments, `${preset}.mp4`);
      const [clip, fixture] = await Promise.all([
        probePackets(file),
        probePackets(join(DEFAULT_FIXTURE_DIR, PRESET_FILES[preset])),
      ]);
      const firstFrame = (fragments[0]?.slot ?? 0) * FRAGMENT_S * 15;
      const wanted = Array.from(
        { length: fragments.length * FRAGMENT_S * 15 },
        (_, i) => fixture.packets.v?.packets[(firstFrame + i) % LOOP_FRAMES]?.hash,
      );
      expect(clip.packets.v?.packets.map((p) => p.hash)).toEqual(wanted);
      if (preset.endsWith('_aac')) {
        const firstUnit = Math.ceil(((fragments[0]?.slot ?? 0) * FRAGMENT_S * 16000) / 1024);
        const units = Math.ceil((((fragments.at(-1)?.slot ?? 0) + 1) * FRAGMENT_S * 16000) / 1024) - firstUnit;
        const audio = Array.from(
          { length: units },
          (_, i) => fixture.packets.a?.packets[(firstUnit + i) % LOOP_AAC]?.hash,
        );
        expect(clip.packets.a?.packets.map((p) => p.hash)).toEqual(audio);
      }
      if (preset === 'h264_alaw') expect(clip.streams.find((s) => s.kind === 'a')?.codec).toBe('pcm_alaw');
      expect((await decodeFrames(file)).errors).toEqual([]);
    });
  }

  for (const layout of ['moov-last', 'fragmented'] as const) {
    itMedia(`serves the same packets in the ${layout} layout`, async () => {
      const emu = await emulator(layout);
      const reference = emulators[0];
      if (reference === undefined || reference === emu) throw new Error('run with the moov-first tests first');
      const fragments = crossingFragments(emu, 'h264_aac');
      const file = await fetchClip(emu, 'h264_aac', fragments, `layout-${layout}.mp4`);
      const base = await fetchClip(reference, 'h264_aac', fragments, `layout-base-${layout}.mp4`);
      const [a, b] = await Promise.all([probePackets(file), probePackets(base)]);
      expect(a.packets.v?.packets.map((p) => p.hash)).toEqual(b.packets.v?.packets.map((p) => p.hash));
      expect(a.packets.a?.packets.map((p) => p.hash)).toEqual(b.packets.a?.packets.map((p) => p.hash));
      expect((await decodeFrames(file)).errors).toEqual([]);
    });
  }
});
