/**
 * The file layouts of a progressive join, byte for byte: `joinFiles` plans every input and writes in one pass, which
 * must give exactly the file the part-by-part joiner gives (plus its faststart copy); a `get`-style joiner told the
 * expected duration writes `moov` into room reserved in front of the payload, falls back to the copy when the room
 * is too small, and resumes into the same reserved layout.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memorySource } from '../../src/mp4/write/file-source.js';
import {
  createJoiner,
  joinFiles,
  type JoinCheckpoint,
  type JoinOptions,
  type JoinPart,
} from '../../src/mp4/write/join-clips.js';
import { moovReserveBytes, RESERVE_EXTRA_BYTES } from '../../src/mp4/plan/moov-reserve.js';
import { JoinPlan } from '../../src/mp4/plan/plan-join.js';
import { readClip } from '../../src/mp4/read/read-clip.js';
import { PAYLOAD_OFFSET, ProgressiveWriter } from '../../src/mp4/write/write-progressive.js';
import { fixtureSet } from '../fixtures/fixture-sets.js';
import { topLevelBoxes } from './synthetic-tracks.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-join-layouts-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const set = fixtureSet('h264b_aac');
const T0 = 1_700_000_000_000;

/** The clips as parts; `starts: false` leaves out their KVS starts, as for files that recorded none. */
async function parts(paths: readonly string[], starts = true): Promise<JoinPart[]> {
  return Promise.all(
    paths.map(async (path, i) => {
      const source = memorySource(readFileSync(path));
      const part = { source, clip: await readClip(source, { name: path }), name: path };
      return starts ? { ...part, startMs: T0 + i * 2000 } : part;
    }),
  );
}

/** The part-by-part joiner over every clip, as `get` drives it; returns the checkpoint after the first part. */
async function joinPartByPart(
  path: string,
  options: Omit<JoinOptions, 'output'> = {},
  starts = true,
): Promise<JoinCheckpoint | undefined> {
  const joiner = await createJoiner({ ...options, output: { kind: 'file', path } });
  let first: JoinCheckpoint | undefined;
  for (const part of await parts(set.clips, starts)) {
    const checkpoint = await joiner.append(part);
    first ??= checkpoint;
  }
  await joiner.finish();
  return first;
}

function mdatPayload(bytes: Buffer): Buffer {
  const mdat = topLevelBoxes(bytes).find((b) => b.type === 'mdat');
  if (mdat === undefined) throw new Error('no mdat');
  const header = bytes.readUInt32BE(mdat.offset) === 1 ? 16 : 8;
  return bytes.subarray(mdat.offset + header, mdat.offset + mdat.size);
}

describe('joinFiles writes in one pass', () => {
  for (const [mode, options] of [
    ['faststart', { faststart: true }],
    ['moov last', { faststart: false }],
    ['64-bit faststart', { faststart: true, largeFileThresholdBytes: 1000 }],
    ['64-bit moov last', { faststart: false, largeFileThresholdBytes: 1000 }],
  ] as const) {
    it(`gives the same bytes as joining part by part (${mode})`, async () => {
      const reference = join(dir, `ref-${mode.replaceAll(' ', '-')}.mp4`);
      const onePass = join(dir, `one-${mode.replaceAll(' ', '-')}.mp4`);
      // The fixture clips record no KVS start, so joinFiles places them one after another: so does the reference.
      await joinPartByPart(reference, options, false);
      const summary = await joinFiles(set.clips, onePass, options);
      expect(readFileSync(onePass).equals(readFileSync(reference))).toBe(true);
      expect(summary.bytes).toBe(statSync(onePass).size);
      expect(summary.outputs).toEqual([onePass]);
    });
  }
});

describe('createJoiner with an expected duration', () => {
  it('writes moov into the room reserved in front of the payload, the rest free, payload unmoved', async () => {
    const reference = join(dir, 'reserve-ref.mp4');
    const reserved = join(dir, 'reserved.mp4');
    await joinPartByPart(reference);
    const checkpoint = await joinPartByPart(reserved, { expectedDurationMs: 8000 });
    const bytes = readFileSync(reserved);
    const boxes = topLevelBoxes(bytes);
    expect(boxes.map((b) => b.type)).toEqual(['ftyp', 'moov', 'free', 'free', 'mdat']);
    const payloadOffset = checkpoint?.payloadOffset ?? 0;
    expect(payloadOffset).toBeGreaterThan(PAYLOAD_OFFSET + RESERVE_EXTRA_BYTES);
    // The payload was never copied: it starts where the first part put it.
    const mdat = boxes[4];
    expect((mdat?.offset ?? 0) + 8).toBe(payloadOffset);
    expect(mdatPayload(bytes).equals(mdatPayload(readFileSync(reference)))).toBe(true);
    // The moov's tables point at the same samples as the faststart file's.
    const [ours, theirs] = [await readClip(memorySource(bytes)), await readClip(memorySource(readFileSync(reference)))];
    for (const [i, track] of ours.tracks.entries()) {
      const other = theirs.tracks[i];
      expect(Array.from(track.samples.sizes)).toEqual(Array.from(other?.samples.sizes ?? []));
      const ourPayload = Array.from(track.samples.offsets, (o, u) =>
        bytes.subarray(o, o + (track.samples.sizes[u] ?? 0)).toString('base64'),
      );
      const ref = readFileSync(reference);
      const theirPayload = Array.from(other?.samples.offsets ?? [], (o, u) =>
        ref.subarray(o, o + (other?.samples.sizes[u] ?? 0)).toString('base64'),
      );
      expect(ourPayload).toEqual(theirPayload);
    }
  });

  it('falls back to the faststart copy when moov outgrows the room, giving the plain faststart file', async () => {
    const reference = join(dir, 'fallback-ref.mp4');
    const path = join(dir, 'fallback.mp4');
    await joinPartByPart(reference);
    const plan = new JoinPlan({ gaps: 'keep' });
    const writer = await ProgressiveWriter.create(path);
    await writer.startPayload(64);
    for (const part of await parts(set.clips)) await writer.appendPart(part.source, plan.append(part).pieces);
    expect(writer.payloadOffset).toBe(PAYLOAD_OFFSET + 64);
    const size = await writer.finish(plan.movie(), { faststart: true, co64ThresholdBytes: 0xffffffff });
    expect(readFileSync(path).equals(readFileSync(reference))).toBe(true);
    expect(size).toBe(statSync(path).size);
  });

  it('appends moov after the payload without faststart, the reserved room staying a free box', async () => {
    const path = join(dir, 'reserved-moov-last.mp4');
    const plan = new JoinPlan({ gaps: 'keep' });
    const writer = await ProgressiveWriter.create(path);
    await writer.startPayload(4096);
    for (const part of await parts(set.clips)) await writer.appendPart(part.source, plan.append(part).pieces);
    await writer.finish(plan.movie(), { faststart: false, co64ThresholdBytes: 0xffffffff });
    const boxes = topLevelBoxes(readFileSync(path));
    expect(boxes.map((b) => `${b.type}:${b.size}`).slice(0, 3)).toEqual([
      `ftyp:${PAYLOAD_OFFSET - 16}`,
      'free:4096',
      'free:8',
    ]);
    expect(boxes.map((b) => b.type).slice(3)).toEqual(['mdat', 'moov']);
  });

  it('resumes into the reserved layout byte-identically, discarding bytes written after the checkpoint', async () => {
    const whole = join(dir, 'reserved-whole.mp4');
    const resumed = join(dir, 'reserved-resumed.mp4');
    await joinPartByPart(whole, { expectedDurationMs: 8000 });
    const all = await parts(set.clips);
    const first = await createJoiner({ output: { kind: 'file', path: resumed }, expectedDurationMs: 8000 });
    let checkpoint: JoinCheckpoint | undefined;
    for (const part of all.slice(0, 2)) checkpoint = await first.append(part);
    await first.abort();
    appendFileSync(resumed, Buffer.alloc(5000, 1));
    const saved: unknown = JSON.parse(JSON.stringify(checkpoint));
    // The expected duration is ignored on resume: the layout is the checkpoint's.
    const second = await createJoiner({
      output: { kind: 'file', path: resumed },
      resume: saved,
      expectedDurationMs: 1,
    });
    for (const part of all.slice(2)) await second.append(part);
    await second.finish();
    expect(readFileSync(resumed).equals(readFileSync(whole))).toBe(true);
  });

  it('resumes a version 1 checkpoint (no payload offset) as the unreserved layout', async () => {
    const whole = join(dir, 'v1-whole.mp4');
    const resumed = join(dir, 'v1-resumed.mp4');
    await joinPartByPart(whole);
    const all = await parts(set.clips);
    const first = await createJoiner({ output: { kind: 'file', path: resumed } });
    const [head] = all;
    if (head === undefined) throw new Error('no part');
    const checkpoint = await first.append(head);
    await first.abort();
    const { payloadOffset, ...rest } = checkpoint;
    expect(payloadOffset).toBe(PAYLOAD_OFFSET);
    const second = await createJoiner({ output: { kind: 'file', path: resumed }, resume: { ...rest, version: 1 } });
    for (const part of all.slice(1)) await second.append(part);
    await second.finish();
    expect(readFileSync(resumed).equals(readFileSync(whole))).toBe(true);
  });

  it('refuses a checkpoint whose payload offset is impossible, hinting --no-continue', async () => {
    const path = join(dir, 'bad-offset.mp4');
    const joiner = await createJoiner({ output: { kind: 'file', path }, expectedDurationMs: 8000 });
    const [part] = await parts(set.clips.slice(0, 1));
    if (part === undefined) throw new Error('no part');
    const checkpoint = await joiner.append(part);
    await joiner.abort();
    for (const payloadOffset of [checkpoint.committedBytes + 1, PAYLOAD_OFFSET - 1, -5]) {
      await expect(
        createJoiner({ output: { kind: 'file', path }, resume: { ...checkpoint, payloadOffset } }),
      ).rejects.toMatchObject({
        code: 'E_USAGE',
        hint: expect.stringContaining('--no-continue') as string,
      });
    }
    // The unchanged checkpoint still resumes: the refusals above did not touch the files.
    const again = await createJoiner({ output: { kind: 'file', path }, resume: checkpoint });
    await again.abort();
  });
});

describe('moovReserveBytes', () => {
  it('scales the first moov by the expected duration with 1.5x and 64 KiB of headroom', () => {
    expect(moovReserveBytes(10_000, 240_000, 3_600_000)).toBe(Math.ceil(10_000 * 15 * 1.5 + 65_536));
  });

  it('never reserves less than the first moov with headroom, and nothing without a positive duration', () => {
    expect(moovReserveBytes(10_000, 240_000, 1000)).toBe(15_000 + 65_536);
    expect(moovReserveBytes(10_000, 0, 60_000)).toBe(Math.ceil(10_000 * 60_000 * 1.5 + 65_536));
    expect(moovReserveBytes(10_000, 240_000, 0)).toBe(0);
    expect(moovReserveBytes(10_000, 240_000, Number.NaN)).toBe(0);
  });
});
