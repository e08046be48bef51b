// ffprobe is the independent judge of the reader: for fixture clips and ffmpeg remuxes of them in every input layout
// (faststart, fragmented with moof-relative and explicit base offsets, per-frame fragments, hev1), each packet's
// byte position, size, decode time and key flag must match the units readClip reports.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { describeMedia, itMedia } from '../support/ffmpeg.js';
import { FIXTURE_DIR } from '../fixtures/fixture-sets.js';
import { openFileSource } from '../../src/mp4/write/file-source.js';
import { readClip } from '../../src/mp4/read/read-clip.js';
import type { Clip, ClipLayout, Track } from '../../src/mp4/model.js';

/** `dts` is relative to the stream's first packet: ffmpeg shifts absolute DTS by edit lists, we do not. */
type ProbePacket = { pos: number; size: number; dts: number; key: boolean };

/** Packets per stream index, in file order per stream (= decode order). */
function probe(file: string): Map<number, ProbePacket[]> {
  const csv = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'packet=stream_index,dts,size,pos,flags', '-of', 'csv=p=0', file],
    { encoding: 'utf8' },
  );
  const streams = new Map<number, ProbePacket[]>();
  const firstDts = new Map<number, number>();
  for (const line of csv.split('\n').filter((l) => l.trim() !== '')) {
    const [index, dts, size, pos, flags] = line.split(',');
    const list = streams.get(Number(index)) ?? [];
    const first = list[0] === undefined ? Number(dts) : (firstDts.get(Number(index)) ?? 0);
    firstDts.set(Number(index), first);
    list.push({ pos: Number(pos), size: Number(size), dts: Number(dts) - first, key: (flags ?? '').startsWith('K') });
    streams.set(Number(index), list);
  }
  return streams;
}

/** ffprobe's stream order is the file's trak order, which we reorder video-first: match on kind. */
function streamKinds(file: string): string[] {
  const csv = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', file], {
    encoding: 'utf8',
  });
  return csv
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

async function read(file: string): Promise<Clip> {
  const source = await openFileSource(file);
  try {
    return await readClip(source, { name: file });
  } finally {
    await source.close();
  }
}

function unitsOf(track: Track): ProbePacket[] {
  const s = track.samples;
  let dts = 0;
  return Array.from({ length: s.unitCount }, (_, i) => {
    const unit = { pos: s.offsets[i] ?? -1, size: s.sizes[i] ?? -1, dts, key: (s.sync?.[i] ?? 1) === 1 };
    dts += (s.durations[i] ?? 0) * (s.sampleCounts?.[i] ?? 1);
    return unit;
  });
}

async function expectMatchesProbe(file: string, layout: ClipLayout): Promise<void> {
  const clip = await read(file);
  expect(clip.layout).toBe(layout);
  const packets = probe(file);
  const kinds = streamKinds(file);
  for (const kind of ['video', 'audio'] as const) {
    const track = clip.tracks.find((t) => t.kind === kind);
    const index = kinds.indexOf(kind);
    expect(track === undefined, `${kind} track presence in ${file}`).toBe(index === -1);
    if (track === undefined) continue;
    const expected = packets.get(index) ?? [];
    const units = unitsOf(track);
    if (track.samples.sampleCounts !== null) {
      // PCM: ffmpeg re-chunks packets, so compare the covered byte ranges.
      const bytes = (list: ProbePacket[]) => list.reduce((n, p) => n + p.size, 0);
      expect(bytes(units)).toBe(bytes(expected));
      expect(units[0]?.pos).toBe(expected[0]?.pos);
      continue;
    }
    expect(units, `${kind} of ${file}`).toEqual(expected);
  }
}

describeMedia('readClip against ffprobe', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kvs-clip-read-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const remux = (input: string, output: string, args: string[]): string => {
    const out = join(dir, output);
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-v',
      'error',
      '-y',
      '-i',
      join(FIXTURE_DIR, input),
      '-map',
      '0',
      '-c',
      'copy',
      ...args,
      out,
    ]);
    return out;
  };

  itMedia('agrees on every unsplit reference and a clip of each set (moov-last)', async () => {
    for (const name of [
      'h264.full.mp4',
      'h264_aac.full.mp4',
      'h264b_aac.full.mp4',
      'h265_aac.full.mp4',
      'h264_alaw.full.mov',
      'h264_res.full.mp4',
      'h264b_aac-0.mp4',
      'h265_resx-2.mp4',
      'h264_alaw-1.mov',
    ]) {
      await expectMatchesProbe(join(FIXTURE_DIR, name), 'moov-last');
    }
  });

  itMedia('agrees on a faststart remux (moov first)', async () => {
    await expectMatchesProbe(remux('h264b_aac.full.mp4', 'fast.mp4', ['-movflags', '+faststart']), 'moov-first');
    await expectMatchesProbe(remux('h264_alaw.full.mov', 'fast.mov', ['-movflags', '+faststart']), 'moov-first');
  });

  itMedia('agrees on fragmented remuxes with moof-relative, explicit and per-frame offsets', async () => {
    await expectMatchesProbe(
      remux('h264b_aac.full.mp4', 'frag-moof.mp4', ['-movflags', '+frag_keyframe+empty_moov+default_base_moof']),
      'fragmented',
    );
    await expectMatchesProbe(
      remux('h264b_aac.full.mp4', 'frag-explicit.mp4', ['-movflags', '+frag_keyframe+empty_moov']),
      'fragmented',
    );
    await expectMatchesProbe(
      remux('h265_aac.full.mp4', 'frag-frames.mp4', ['-movflags', '+frag_every_frame+empty_moov+separate_moof']),
      'fragmented',
    );
    await expectMatchesProbe(
      remux('h264_aac.full.mp4', 'frag-moov.mp4', ['-movflags', '+frag_keyframe']),
      'fragmented',
    );
  });

  itMedia('reads hev1-tagged H.265', async () => {
    const file = remux('h265_aac.full.mp4', 'hev1.mp4', ['-tag:v', 'hev1']);
    await expectMatchesProbe(file, 'moov-last');
    expect((await read(file)).tracks[0]?.entries[0]).toMatchObject({ fourcc: 'hev1', codec: 'h265', nalLengthSize: 4 });
  });
});
