/**
 * Acceptance of the joiner (issue 2): every fixture set joined three ways (progressive with faststart, progressive
 * with moov last, fragmented MP4 written into `ffmpeg -i -`), judged by ffmpeg/ffprobe only (test/support).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { MediaError } from '../../src/errors/media-error.js';
import { memorySource } from '../../src/mp4/write/file-source.js';
import { createJoiner, joinFiles, type JoinOptions } from '../../src/mp4/write/join-clips.js';
import { JoinPlan } from '../../src/mp4/plan/plan-join.js';
import { readClip } from '../../src/mp4/read/read-clip.js';
import { ProgressiveWriter } from '../../src/mp4/write/write-progressive.js';
import { FIXTURE_SETS, fixtureSet, type FixtureSet } from '../fixtures/fixture-sets.js';
import {
  decodedVideoHashes,
  describeMedia,
  ffmpegReadErrors,
  findBoxes,
  itMedia,
  offsetIn,
  probePackets,
  readBoxes,
  stsdEntryCounts,
  type Box,
  type PipeInput,
} from '../support/ffmpeg.js';
import { verifyJoin, type VerifyOptions, type VerifyResult } from '../support/verify-join.js';

let dir = '';
let n = 0;
const fresh = (name: string, ext = 'mp4'): string => join(dir, `${String(n++).padStart(3, '0')}-${name}.${ext}`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-join-acc-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The fragmented join written straight into the tool's stdin, as `kvs-clip join … -o - | ffmpeg -i -` would. */
function fmp4Pipe(set: FixtureSet): PipeInput {
  return {
    label: `fmp4 pipe of ${set.name}`,
    pipe: async (stdin) => {
      await joinFiles(set.clips, stdin, { format: 'fragmented' });
    },
  };
}

function judgeOptions(set: FixtureSet, fragmented: boolean): VerifyOptions {
  const options: VerifyOptions = { expectSizes: set.sizes, exactDurations: true };
  // In fMP4 the sample entry is frozen in the init segment: the first keyframe after the change may carry the new
  // parameter sets in-band, so that one packet may grow (docs/joiner.md, "Codec-configuration changes"). Everything
  // else stays bit-identical.
  if (fragmented && set.sizes.length > 1) options.allowGrownVideoPackets = [set.framesPerClip * 2];
  return options;
}

function expectPass(r: VerifyResult): void {
  expect(r.failures, r.notes.join('\n')).toEqual([]);
  expect(r.ok).toBe(true);
}

/**
 * A/V offset at the start of every part equals the unsplit source's within 1 ms (docs/joiner.md, "Verification" (f)).
 * PCM is re-chunked legally, so there the audio must instead be gapless and start where the source's does.
 */
async function expectSourceAvOffsets(r: VerifyResult, set: FixtureSet): Promise<void> {
  const [v, a] = [r.streams.v?.times, r.streams.a?.times];
  if (v === undefined || a === undefined) return;
  const full = await probePackets(set.full);
  const [fv, fa] = [full.packets.v, full.packets.a];
  if (fv === undefined || fa === undefined) throw new Error(`${set.full} lacks a stream`);
  const startTime = (t: typeof v): number => (t.packets[0]?.pts ?? NaN) * t.tb;
  if (set.audio === 'pcm_alaw') {
    expect(Math.abs(startTime(a) - startTime(v) - (startTime(fa) - startTime(fv)))).toBeLessThanOrEqual(0.001);
    const holes = a.packets
      .slice(1)
      .filter((p, i) => (a.packets[i]?.dts ?? 0) + (a.packets[i]?.duration ?? 0) !== p.dts);
    expect(holes, 'PCM audio must be gapless').toEqual([]);
    return;
  }
  for (let part = 0; part < set.clips.length; part++) {
    const k = part * set.framesPerClip;
    const [outT, fullT] = [(v.packets[k]?.pts ?? NaN) * v.tb, (fv.packets[k]?.pts ?? NaN) * fv.tb];
    const [got, want] = [offsetIn(a, outT), offsetIn(fa, fullT)];
    expect(
      Math.abs(got - want),
      `${set.name} part ${part}: a-v ${got.toFixed(4)} s, source ${want.toFixed(4)} s`,
    ).toBeLessThanOrEqual(0.001);
  }
}

function topTypes(file: string): string[] {
  return readBoxes(file).map((b) => b.type);
}

function expectSampleEntries(file: string, set: FixtureSet): void {
  const counts = stsdEntryCounts(file).sort();
  // A resolution change with its own avcC per clip becomes a second stsd entry switched through stsc.
  expect(counts).toEqual(set.audio === null ? [set.sizes.length] : [1, set.sizes.length].sort());
}

for (const set of FIXTURE_SETS) {
  describeMedia(`joining the ${set.name} clips`, () => {
    itMedia(
      'writes a faststart file (moov first) whose packets, timing, decode and A/V offsets match the source',
      async () => {
        const out = fresh(`${set.name}-faststart`);
        await joinFiles(set.clips, out, { faststart: true });
        const types = topTypes(out);
        expect(types.indexOf('moov')).toBeGreaterThanOrEqual(0);
        expect(types.indexOf('moov')).toBeLessThan(types.indexOf('mdat'));
        expectSampleEntries(out, set);
        const r = await verifyJoin(out, set.clips, judgeOptions(set, false));
        expectPass(r);
        await expectSourceAvOffsets(r, set);
        // The same pictures as the unsplit encode, frame for frame (docs/joiner.md, "Verification" (b)).
        expect(await decodedVideoHashes(out)).toEqual(await decodedVideoHashes(set.full));
      },
    );

    itMedia('writes a --no-faststart file (moov last) that passes the same checks', async () => {
      const out = fresh(`${set.name}-moovlast`);
      await joinFiles(set.clips, out, { faststart: false });
      const types = topTypes(out);
      expect(types.indexOf('mdat')).toBeGreaterThanOrEqual(0);
      expect(types.indexOf('mdat')).toBeLessThan(types.indexOf('moov'));
      expectSampleEntries(out, set);
      const r = await verifyJoin(out, set.clips, judgeOptions(set, false));
      expectPass(r);
      await expectSourceAvOffsets(r, set);
    });

    itMedia('streams fragmented MP4 that ffmpeg reads from a pipe with the same checks', async () => {
      expect(await ffmpegReadErrors(fmp4Pipe(set))).toEqual([]);
      const r = await verifyJoin(fmp4Pipe(set), set.clips, judgeOptions(set, true));
      expectPass(r);
      await expectSourceAvOffsets(r, set);
      if (set.sizes.length > 1 && set.parameterSetsOnlyInSampleEntry) {
        // The init segment holds the first configuration only, so the new one must travel in-band (docs/joiner.md,
        // "Codec-configuration changes").
        expect(r.notes.join('\n')).toMatch(new RegExp(`v: packet ${set.framesPerClip * 2} grew by \\d+ bytes`));
      }
    });
  });
}

/** `co64` in every track, no `stco`, and a 16-byte (size==1, 64-bit largesize) mdat header. */
function expectLargeLayout(file: string): void {
  const tree: Box[] = readBoxes(file);
  const traks = findBoxes(tree, 'moov/trak');
  expect(traks.length).toBeGreaterThan(0);
  expect(findBoxes(tree, 'moov/trak/mdia/minf/stbl/co64')).toHaveLength(traks.length);
  expect(findBoxes(tree, 'moov/trak/mdia/minf/stbl/stco')).toHaveLength(0);
  const mdat = tree.find((b) => b.type === 'mdat');
  expect(mdat?.headerSize).toBe(16);
}

describeMedia('the >4 GiB layout (threshold lowered for the test)', () => {
  for (const name of ['h264_aac', 'h264b_aac', 'h264_alaw']) {
    for (const faststart of [true, false]) {
      itMedia(
        `writes co64 and a 64-bit mdat for ${name} (faststart ${String(faststart)}) and stays bit-identical`,
        async () => {
          const set = fixtureSet(name);
          const out = fresh(`${name}-large-${String(faststart)}`);
          await joinFiles(set.clips, out, { faststart, largeFileThresholdBytes: 1024 });
          expectLargeLayout(out);
          const r = await verifyJoin(out, set.clips, judgeOptions(set, false));
          expectPass(r);
          await expectSourceAvOffsets(r, set);
        },
      );
    }
  }

  itMedia('keeps stco and a 32-bit mdat below the threshold', async () => {
    const set = fixtureSet('h264_aac');
    const out = fresh('h264_aac-small');
    await joinFiles(set.clips, out, {});
    const tree = readBoxes(out);
    expect(findBoxes(tree, 'moov/trak/mdia/minf/stbl/co64')).toHaveLength(0);
    expect(tree.find((b) => b.type === 'mdat')?.headerSize).toBe(8);
  });
});

/** The part-by-part joiner (as `get` drives it) over a fixture set, with `options`. */
async function joinPartByPart(set: FixtureSet, out: string, options: Omit<JoinOptions, 'output'>): Promise<void> {
  const joiner = await createJoiner({ ...options, output: { kind: 'file', path: out } });
  for (const path of set.clips) {
    const source = memorySource(readFileSync(path));
    await joiner.append({ source, clip: await readClip(source, { name: path }), name: path });
  }
  await joiner.finish();
}

describeMedia('moov written into room reserved in front of the payload (get with an expected duration)', () => {
  for (const name of ['h264_aac', 'h264b_aac', 'h264_alaw', 'h264_resx']) {
    itMedia(`writes ${name} as ftyp, moov, free, mdat that passes the same checks`, async () => {
      const set = fixtureSet(name);
      const out = fresh(`${name}-reserved`);
      await joinPartByPart(set, out, { expectedDurationMs: 60_000 });
      expect(topTypes(out)).toEqual(['ftyp', 'moov', 'free', 'free', 'mdat']);
      expectSampleEntries(out, set);
      const r = await verifyJoin(out, set.clips, judgeOptions(set, false));
      expectPass(r);
      await expectSourceAvOffsets(r, set);
    });
  }

  itMedia('writes co64 and a 64-bit mdat behind the reserved room and stays bit-identical', async () => {
    const set = fixtureSet('h264_aac');
    const out = fresh('h264_aac-reserved-large');
    await joinPartByPart(set, out, { expectedDurationMs: 60_000, largeFileThresholdBytes: 1024 });
    expectLargeLayout(out);
    expect(topTypes(out)).toEqual(['ftyp', 'moov', 'free', 'mdat']);
    expectPass(await verifyJoin(out, set.clips, judgeOptions(set, false)));
  });

  itMedia(
    'falls back to the faststart copy when the room is too small, and the copy passes the same checks',
    async () => {
      const set = fixtureSet('h264b_aac');
      const out = fresh('h264b_aac-reserve-too-small');
      const plan = new JoinPlan({ gaps: 'keep' });
      const writer = await ProgressiveWriter.create(out);
      await writer.startPayload(200);
      for (const path of set.clips) {
        const source = memorySource(readFileSync(path));
        await writer.appendPart(
          source,
          plan.append({ clip: await readClip(source, { name: path }), name: path }).pieces,
        );
      }
      await writer.finish(plan.movie(), { faststart: true, co64ThresholdBytes: 0xffffffff });
      expect(topTypes(out)).toEqual(['ftyp', 'moov', 'free', 'mdat']);
      const r = await verifyJoin(out, set.clips, judgeOptions(set, false));
      expectPass(r);
      await expectSourceAvOffsets(r, set);
    },
  );
});

/** ffmpeg's concat demuxer with `-c copy`, the way AWS's long-clip sample joins GetClip files. */
function ffmpegConcat(parts: string[], out: string, extra: string[] = []): void {
  const list = `${out}.txt`;
  writeFileSync(list, parts.map((p) => `file '${p}'\n`).join(''));
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

describeMedia('compared with ffmpeg concat', () => {
  itMedia('passes where ffmpeg concat leaves a gap at the first join and rewrites H.264 keyframes', async () => {
    const set = fixtureSet('h264_aac');
    const theirs = fresh('concat-h264_aac');
    ffmpegConcat(set.clips, theirs);
    const bad = await verifyJoin(theirs, set.clips);
    expect(bad.failures.join('\n')).toMatch(/v: packets differ/);
    expect(bad.failures.join('\n')).toMatch(/a: \d+ odd durations/);
    const ours = fresh('ours-h264_aac');
    await joinFiles(set.clips, ours, {});
    expectPass(await verifyJoin(ours, set.clips));
  });

  const resolutionCases: [string, string[], string][] = [
    ['h264_resx', ['-auto_convert', '0'], 'an avcC-only H.264 resolution change where ffmpeg concat (bit-exact mode)'],
    ['h265_resx', [], 'an hvcC-only H.265 resolution change where ffmpeg concat (default settings)'],
  ];
  for (const [name, extra, what] of resolutionCases) {
    itMedia(`decodes both sizes of ${what} cannot`, async () => {
      const set = fixtureSet(name);
      const theirs = fresh(`concat-${name}`);
      ffmpegConcat(set.clips, theirs, extra);
      const bad = await verifyJoin(theirs, set.clips, { expectSizes: set.sizes });
      expect(bad.failures.join('\n')).toMatch(/decode: \d+ error lines|frame sizes/);
      const ours = fresh(`ours-${name}`);
      await joinFiles(set.clips, ours, {});
      expectPass(await verifyJoin(ours, set.clips, { expectSizes: set.sizes }));
    });
  }
});

describe('joins that cannot be made', () => {
  const cases: [string, string[]][] = [
    [
      'a video-only clip followed by an A/V clip',
      [fixtureSet('h264').clips[0] ?? '', fixtureSet('h264_aac').clips[1] ?? ''],
    ],
    ['H.264 followed by H.265', [fixtureSet('h264').clips[0] ?? '', fixtureSet('h265').clips[1] ?? '']],
    ['AAC followed by A-law', [fixtureSet('h264_aac').clips[0] ?? '', fixtureSet('h264_alaw').clips[1] ?? '']],
  ];
  for (const [what, inputs] of cases) {
    itMedia(`refuses ${what} with E_JOIN_MISMATCH naming both clips and leaves no output`, async () => {
      const out = fresh('mismatch');
      const error: unknown = await joinFiles(inputs, out, {}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MediaError);
      expect(error).toMatchObject({ code: 'E_JOIN_MISMATCH' });
      const message = error instanceof Error ? error.message : '';
      for (const input of inputs) expect(message).toContain(input.split('/').pop() ?? '');
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.startsWith(out.split('/').pop() ?? '?'))).toEqual([]);
    });
  }
});
