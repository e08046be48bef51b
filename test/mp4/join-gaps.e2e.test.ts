/**
 * Gap policies on real clips, judged by ffprobe: parts anchored by KVS start times with a 3 s hole between the
 * second and third part. `keep` shows the hole as one long sample duration per stream (not a DTS jump, not an
 * empty edit); `close` butts the parts together and stays gapless.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { memorySource } from '../../src/mp4/write/file-source.js';
import { createJoiner } from '../../src/mp4/write/join-clips.js';
import { readClip } from '../../src/mp4/read/read-clip.js';
import { fixtureSet } from '../fixtures/fixture-sets.js';
import { describeMedia, itMedia, probePackets } from '../support/ffmpeg.js';
import { verifyJoin } from '../support/verify-join.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-join-gaps-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = 1_750_000_000_000;
const set = fixtureSet('h264_aac');

async function joinWithHole(
  gaps: 'keep' | 'close',
  format: 'progressive' | 'fragmented' = 'progressive',
): Promise<string> {
  const out = join(dir, `${gaps}-${format}.mp4`);
  const joiner = await createJoiner({ output: { kind: 'file', path: out }, gaps, format });
  for (const [i, path] of set.clips.entries()) {
    const bytes = readFileSync(path);
    const source = memorySource(bytes);
    // Parts 2 and 3 start 3 s late: the camera was offline.
    await joiner.append({
      source,
      clip: await readClip(source),
      name: path,
      startMs: T0 + i * 2000 + (i >= 2 ? 3000 : 0),
    });
  }
  const summary = await joiner.finish();
  expect(summary.gaps).toEqual([{ atMs: 4000, durationMs: 3000 }]);
  return out;
}

describeMedia('gap policies', () => {
  itMedia('keeps a gap as one long duration on the last sample before it, in both streams', async () => {
    const out = await joinWithHole('keep');
    const verdict = await verifyJoin(out, set.clips, { gapsAllowed: true });
    expect(verdict.failures).toEqual([]);
    const probe = await probePackets(out);
    const video = probe.packets.v;
    const audio = probe.packets.a;
    if (video === undefined || audio === undefined) throw new Error('missing stream');
    const long = (p: { duration: number }[], tb: number, typical: number) =>
      p.filter((x) => x.duration * tb > typical * 1.5);
    const vLong = long(video.packets, video.tb, 1 / 15);
    expect(vLong).toHaveLength(1);
    expect((vLong[0]?.duration ?? 0) * video.tb).toBeCloseTo(3 + 1 / 15, 3);
    expect(long(audio.packets, audio.tb, 0.064)).toHaveLength(1);
    // The frame after the gap is presented 3 s later than without it.
    expect((video.packets[60]?.pts ?? 0) * video.tb).toBeCloseTo(7, 2);
  });

  itMedia('closes a gap: the output is as long as the clips and has no odd duration', async () => {
    const out = await joinWithHole('close');
    const verdict = await verifyJoin(out, set.clips);
    expect(verdict.failures).toEqual([]);
    const video = (await probePackets(out)).packets.v;
    expect((video?.packets[60]?.pts ?? 0) * (video?.tb ?? 0)).toBeCloseTo(4, 2);
  });
});
