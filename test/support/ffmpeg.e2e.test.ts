import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSet } from '../fixtures/fixture-sets.js';
import {
  alawBytesHash,
  avOffsetAt,
  decodedVideoHashes,
  decodeErrors,
  describeMedia,
  frameSizes,
  itMedia,
  mediaGate,
  packetHashes,
  packetTimes,
  readBoxes,
  stsdEntryCounts,
  streamInfo,
  type PipeInput,
} from './ffmpeg.js';
import { verifyJoin } from './verify-join.js';

const aac = fixtureSet('h264_aac');
let dir = '';

function fromFile(file: string): PipeInput {
  return { label: `pipe<${file}`, pipe: (stdin) => pipeline(createReadStream(file), stdin) };
}

/** ffmpeg's concat demuxer, the join AWS's sample uses (docs/joiner.md). */
function ffmpegConcat(
  parts: string[],
  out: string,
  extra: string[] = [],
  durations: (number | undefined)[] = [],
): void {
  const list = join(dir, 'list.txt');
  writeFileSync(
    list,
    parts.map((p, i) => `file '${p}'\n${durations[i] === undefined ? '' : `duration ${durations[i]}\n`}`).join(''),
  );
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'concat',
    '-safe',
    '0',
    ...extra,
    '-i',
    list,
    '-map',
    '0',
    '-c',
    'copy',
    out,
  ]);
}

describe('the media test gate', () => {
  it('runs with the tools, skips without them locally, and fails without them under CI', () => {
    expect(mediaGate(true, true)).toBe('run');
    expect(mediaGate(true, false)).toBe('run');
    expect(mediaGate(false, false)).toBe('skip');
    expect(mediaGate(false, true)).toBe('fail');
  });
});

describeMedia('the ffmpeg judge (test/support/ffmpeg.ts)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kvs-judge-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  for (const name of ['h264_aac', 'h264b_aac', 'h265_aac', 'h264_alaw', 'h265']) {
    itMedia(`passes the unsplit ${name} source against the clips it was cut from`, async () => {
      const set = fixtureSet(name);
      const r = await verifyJoin(set.full, set.clips, { exactDurations: true });
      expect(r.failures, name).toEqual([]);
      expect(r.ok).toBe(true);
    });
  }

  itMedia('passes the resolution-change sources and sees both sizes', async () => {
    for (const name of ['h264_res', 'h265_res']) {
      const set = fixtureSet(name);
      const r = await verifyJoin(set.full, set.clips, { expectSizes: ['320x180', '480x270'] });
      expect(r.failures, name).toEqual([]);
      expect(r.sizes).toEqual([
        { size: '320x180', frames: 60 },
        { size: '480x270', frames: 60 },
      ]);
    }
  });

  itMedia('fails ffmpeg concat (default settings) on an hvcC-only H.265 resolution change', async () => {
    const set = fixtureSet('h265_resx');
    const out = join(dir, 'concat-h265res.mp4');
    ffmpegConcat(set.clips, out);
    const r = await verifyJoin(out, set.clips, { expectSizes: ['320x180', '480x270'] });
    expect(r.failures.join('\n')).toMatch(/decode: \d+ error lines|frame sizes/);
  });

  itMedia('fails naive byte concatenation on packets although it decodes cleanly', async () => {
    const out = join(dir, 'cat.mp4');
    writeFileSync(out, Buffer.concat(aac.clips.map((c) => readFileSync(c))));
    expect(await decodeErrors(out)).toEqual([]);
    const r = await verifyJoin(out, aac.clips);
    expect(r.ok).toBe(false);
    expect(r.failures.join('\n')).toMatch(/v: packets differ .*expected 120, got 30/);
    expect(r.failures.join('\n')).toMatch(/a: packets differ .*expected 125, got 32/);
    const [got, want] = [await decodedVideoHashes(out), await decodedVideoHashes(aac.full)];
    expect(want).toHaveLength(120);
    expect(got).toEqual(want.slice(0, 30));
  });

  itMedia('fails ffmpeg concat: changed H.264 packets and a gap at every join', async () => {
    const out = join(dir, 'concat.mp4');
    ffmpegConcat(aac.clips, out);
    const r = await verifyJoin(out, aac.clips);
    expect(r.ok).toBe(false);
    const text = r.failures.join('\n');
    expect(text).toMatch(/v: packets differ/);
    expect(text).toMatch(/v: \d+ odd durations \(packet 29: duration 1761/);
    expect(text).toMatch(/a: \d+ odd durations \(packet 31: duration 1792/);
  });

  itMedia('fails ffmpeg concat without auto_convert on the gaps even though packets are identical', async () => {
    const out = join(dir, 'concat-noconv.mp4');
    ffmpegConcat(aac.clips, out, ['-auto_convert', '0']);
    const r = await verifyJoin(out, aac.clips);
    expect(r.notes).toContain('v: 120 packets bit-identical, same order');
    expect(r.failures.join('\n')).toMatch(/odd durations/);
    expect(r.ok).toBe(false);
  });

  itMedia('accepts a long duration only when gaps are allowed', async () => {
    const out = join(dir, 'concat-gap.mp4');
    // The concat list's `duration 3` starts the second 2 s clip 1 s late: a 1 s gap after packet 29.
    ffmpegConcat(fixtureSet('h264').clips, out, ['-auto_convert', '0'], [3]);
    expect((await verifyJoin(out, fixtureSet('h264').clips)).ok).toBe(false);
    const allowed = await verifyJoin(out, fixtureSet('h264').clips, { gapsAllowed: true });
    expect(allowed.failures).toEqual([]);
  });

  itMedia('tolerates a 20 ms timing step at a join by default but not with exactDurations', async () => {
    const set = fixtureSet('h264');
    const out = join(dir, 'concat-jitter.mp4');
    ffmpegConcat(set.clips, out, ['-auto_convert', '0'], [2.02]);
    expect((await verifyJoin(out, set.clips)).failures).toEqual([]);
    const strict = await verifyJoin(out, set.clips, { exactDurations: true });
    expect(strict.failures.join('\n')).toMatch(/v: 1 odd durations \(packet 29: duration 1331/);
  });

  itMedia('fails a resolution change that keeps only the first parameter sets', async () => {
    const set = fixtureSet('h264_resx');
    const out = join(dir, 'resx-concat.mp4');
    ffmpegConcat(set.clips, out, ['-auto_convert', '0']);
    const r = await verifyJoin(out, set.clips, { expectSizes: ['320x180', '480x270'] });
    expect(r.failures.join('\n')).toMatch(/decode: \d+ error lines|frame sizes/);
  });

  itMedia('hashes the same payloads via framemd5, ffprobe and a pipe', async () => {
    const clip = fixtureSet('h264b_aac').clips[1] ?? '';
    const framemd5 = await packetHashes(clip, 'v');
    expect(framemd5).toHaveLength(30);
    expect((await packetTimes(clip, 'v')).packets.map((p) => p.hash)).toEqual(framemd5);
    expect(await packetHashes(fromFile(clip), 'v')).toEqual(framemd5);
    expect(await packetHashes(fromFile(clip), 'a')).toEqual(await packetHashes(clip, 'a'));
  });

  itMedia('reports exact integer packet times in the stream time base', async () => {
    const t = await packetTimes(aac.clips[1] ?? '', 'a');
    expect(t.timeBase).toBe('1/16000');
    expect(t.packets[0]).toMatchObject({ pts: 768, dts: 768, duration: 1024, key: true });
    const info = await streamInfo(aac.full);
    expect(info.map((s) => [s.kind, s.codec, s.packets, s.duration])).toEqual([
      ['v', 'h264', 120, 8],
      ['a', 'aac', 125, 8],
    ]);
  });

  itMedia('measures the A/V offset at a join as in the clip itself', async () => {
    expect(await avOffsetAt(aac.full, 2)).toBeCloseTo(0.048, 6);
    const clip = await streamInfo(aac.clips[1] ?? '');
    expect((clip[1]?.startTime ?? 0) - (clip[0]?.startTime ?? 0)).toBeCloseTo(0.048, 6);
  });

  itMedia('compares A-law as bytes: clips concatenated equal the source', async () => {
    const set = fixtureSet('h264_alaw');
    expect(await alawBytesHash(set.clips)).toBe(await alawBytesHash(set.full));
    expect(await alawBytesHash(set.clips.slice(1))).not.toBe(await alawBytesHash(set.full));
  });

  itMedia('reads the box layout from the bytes', async () => {
    expect(readBoxes(aac.full).map((b) => b.type)).toEqual(['ftyp', 'free', 'mdat', 'moov']);
    expect(stsdEntryCounts(aac.full)).toEqual([1, 1]);
    expect(await frameSizes(aac.full)).toEqual([{ size: '320x180', frames: 120 }]);
  });
});
