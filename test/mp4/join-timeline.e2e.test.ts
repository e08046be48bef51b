/**
 * Timeline policies of the joiner judged by ffmpeg: KVS start times with a missing clip (gap kept as one long
 * duration, or closed), and --split-on-change writing numbered files that are each a clean join.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { openFileSource } from '../../src/mp4/write/file-source.js';
import { createJoiner, joinFiles, type JoinSummary } from '../../src/mp4/write/join-clips.js';
import { readClip } from '../../src/mp4/read/read-clip.js';
import { fixtureSet } from '../fixtures/fixture-sets.js';
import { describeMedia, itMedia, offsetIn, probePackets } from '../support/ffmpeg.js';
import { verifyJoin } from '../support/verify-join.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-join-time-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const set = fixtureSet('h264_aac');
/** Clips 0, 1 and 3 at their true KVS start times: clip 2 (4 s to 6 s) is missing, a 2 s gap. */
const withGap = [0, 1, 3].map((i) => ({ file: set.clips[i] ?? '', startMs: 1_700_000_000_000 + i * 2000 }));

async function joinWithStarts(out: string, gaps: 'keep' | 'close'): Promise<JoinSummary> {
  const joiner = await createJoiner({ output: { kind: 'file', path: out }, gaps });
  for (const { file, startMs } of withGap) {
    const source = await openFileSource(file);
    try {
      await joiner.append({ source, clip: await readClip(source, { name: file }), name: file, startMs });
    } finally {
      await source.close();
    }
  }
  return joiner.finish();
}

describeMedia('joining clips around a missing clip', () => {
  itMedia(
    'keeps the gap as one long sample duration per track, with the A/V offset of the source after it',
    async () => {
      const out = join(dir, 'keep.mp4');
      const summary = await joinWithStarts(out, 'keep');
      expect(summary.gaps).toEqual([{ atMs: 4000, durationMs: 2000 }]);
      const parts = withGap.map((p) => p.file);
      const strict = await verifyJoin(out, parts);
      expect(strict.failures.join('\n')).toMatch(/v: 1 odd durations \(packet 59: duration 31744/);
      expect(strict.failures.join('\n')).toMatch(/a: 1 odd durations/);
      const r = await verifyJoin(out, parts, { gapsAllowed: true });
      expect(r.failures).toEqual([]);
      // Video runs to 8 s of wall time: 90 frames over 6 s of clips plus the 2 s gap.
      const v = r.streams.v?.times;
      const a = r.streams.a?.times;
      if (v === undefined || a === undefined) throw new Error('missing stream');
      const first3 = (v.packets[60]?.pts ?? NaN) * v.tb;
      expect(first3).toBeCloseTo(6, 6);
      const full = await probePackets(set.full);
      const [fv, fa] = [full.packets.v, full.packets.a];
      if (fv === undefined || fa === undefined) throw new Error('missing stream');
      expect(Math.abs(offsetIn(a, first3) - offsetIn(fa, (fv.packets[90]?.pts ?? NaN) * fv.tb))).toBeLessThanOrEqual(
        0.001,
      );
    },
  );

  itMedia('closes the gap when asked: parts butted together, no long duration, packets intact', async () => {
    const out = join(dir, 'close.mp4');
    const summary = await joinWithStarts(out, 'close');
    expect(summary.gaps).toHaveLength(1);
    const r = await verifyJoin(
      out,
      withGap.map((p) => p.file),
    );
    expect(r.failures).toEqual([]);
    const v = r.streams.v?.times;
    expect((v?.packets[60]?.pts ?? NaN) * (v?.tb ?? NaN)).toBeCloseTo(4, 6);
  });
});

describeMedia('--split-on-change', () => {
  itMedia('writes numbered files at a track-layout change, each a clean join of its own parts', async () => {
    const video = fixtureSet('h264');
    const parts = [video.clips[0] ?? '', video.clips[1] ?? '', set.clips[2] ?? '', set.clips[3] ?? ''];
    const out = join(dir, 'split.mp4');
    const summary = await joinFiles(parts, out, { splitOnChange: true });
    expect(summary.outputs).toEqual([join(dir, 'split-1.mp4'), join(dir, 'split-2.mp4')]);
    expect(existsSync(out)).toBe(false);
    expect((await verifyJoin(join(dir, 'split-1.mp4'), parts.slice(0, 2), { exactDurations: true })).failures).toEqual(
      [],
    );
    expect((await verifyJoin(join(dir, 'split-2.mp4'), parts.slice(2), { exactDurations: true })).failures).toEqual([]);
  });
});
