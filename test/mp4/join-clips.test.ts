import { appendFileSync, mkdtempSync, readFileSync, rmSync, createWriteStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from '../../src/errors/media-error.js';
import { memorySource, openFileSource } from '../../src/mp4/write/file-source.js';
import { createJoiner, joinFiles, type JoinCheckpoint, type JoinPart } from '../../src/mp4/write/join-clips.js';
import type { Clip, Track } from '../../src/mp4/model.js';
import { readClip } from '../../src/mp4/read/read-clip.js';
import { fixtureSet } from '../fixtures/fixture-sets.js';
import { topLevelBoxes } from './synthetic-tracks.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-join-unit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readFile(path: string): Promise<Clip> {
  return readClip(memorySource(readFileSync(path)), { name: path });
}

/** Every unit's payload bytes, in decode order, per track. */
function payloads(bytes: Uint8Array, track: Track): string[] {
  const s = track.samples;
  const out: string[] = [];
  for (let i = 0; i < s.unitCount; i++) {
    const at = s.offsets[i] ?? 0;
    out.push(Buffer.from(bytes.subarray(at, at + (s.sizes[i] ?? 0))).toString('base64'));
  }
  return out;
}

async function inputPayloads(clips: string[], track: number): Promise<string> {
  const all: string[] = [];
  for (const path of clips) {
    const clip = await readFile(path);
    const t = clip.tracks[track];
    if (t !== undefined) all.push(...payloads(readFileSync(path), t));
  }
  return all.join('');
}

async function parts(paths: string[]): Promise<JoinPart[]> {
  return Promise.all(
    paths.map(async (path) => ({ source: memorySource(readFileSync(path)), clip: await readFile(path), name: path })),
  );
}

describe('joinFiles output read back with readClip', () => {
  const set = fixtureSet('h264b_aac');
  for (const [mode, options] of [
    ['faststart', { faststart: true }],
    ['moov-last', { faststart: false }],
    ['fmp4 file', { format: 'fragmented' as const }],
    ['64-bit', { faststart: true, largeFileThresholdBytes: 1000 }],
  ] as const) {
    it(`keeps every video payload in order (${mode})`, async () => {
      const out = join(dir, `rt-${mode.replace(' ', '-')}.mp4`);
      const summary = await joinFiles(set.clips, out, options);
      const bytes = readFileSync(out);
      expect(summary.bytes).toBe(bytes.length);
      const clip = await readFile(out);
      const video = clip.tracks[0];
      if (video === undefined) throw new Error('no video');
      expect(payloads(bytes, video).join('')).toBe(await inputPayloads(set.clips, 0));
      expect(summary.joins).toBe(3);
      expect(summary.tracks.map((t) => t.kind)).toEqual(['video', 'audio']);
      const types = topLevelBoxes(bytes).map((b) => b.type);
      if (mode === 'faststart') expect(types).toEqual(['ftyp', 'moov', 'free', 'mdat']);
      if (mode === 'moov-last') expect(types).toEqual(['ftyp', 'free', 'mdat', 'moov']);
      if (mode === '64-bit') {
        expect(types).toEqual(['ftyp', 'moov', 'mdat']);
        expect(bytes.includes(Buffer.from('co64'))).toBe(true);
      }
    });
  }

  it('switches sample entries at a resolution change and reads back both', async () => {
    const res = fixtureSet('h264_resx');
    const out = join(dir, 'res.mp4');
    const summary = await joinFiles(res.clips, out, {});
    const video = (await readFile(out)).tracks[0];
    expect(video?.entries.map((e) => `${e.width}x${e.height}`)).toEqual(['320x180', '480x270']);
    expect(video?.samples.entryIndex[59]).toBe(0);
    expect(video?.samples.entryIndex[60]).toBe(1);
    expect(summary.configChanges).toBe(1);
  });

  it('writes numbered files instead of failing when split-on-change meets an unjoinable part', async () => {
    const out = join(dir, 'split.mp4');
    const inputs = [...fixtureSet('h264').clips.slice(0, 2), ...fixtureSet('h264_aac').clips.slice(2)];
    const summary = await joinFiles(inputs, out, { splitOnChange: true });
    expect(summary.outputs).toEqual([join(dir, 'split-1.mp4'), join(dir, 'split-2.mp4')]);
    expect((await readFile(join(dir, 'split-1.mp4'))).tracks).toHaveLength(1);
    expect((await readFile(join(dir, 'split-2.mp4'))).tracks).toHaveLength(2);
    expect(existsSync(out)).toBe(false);
  });

  it('fails with E_JOIN_MISMATCH and removes the output without split-on-change', async () => {
    const out = join(dir, 'nosplit.mp4');
    const inputs = [fixtureSet('h264').clips[0] ?? '', fixtureSet('h264_aac').clips[1] ?? ''];
    await expect(joinFiles(inputs, out, {})).rejects.toBeInstanceOf(MediaError);
    expect(existsSync(out)).toBe(false);
  });

  it('streams fragmented MP4 into a writable without ending it', async () => {
    const out = join(dir, 'stream.mp4');
    const stream = createWriteStream(out);
    const summary = await joinFiles(fixtureSet('h264_aac').clips, stream, {});
    expect(stream.writableEnded).toBe(false);
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(summary.tracks.map((t) => t.samples)).toEqual([120, 125]);
    const types = topLevelBoxes(readFileSync(out)).map((b) => b.type);
    expect(types.slice(0, 3)).toEqual(['ftyp', 'moov', 'moof']);
    expect(types.filter((t) => t === 'moof')).toHaveLength(8);
  });
});

describe('createJoiner resume', () => {
  it('continues from a checkpoint to a byte-identical file, discarding bytes written after it', async () => {
    const clips = fixtureSet('h264_aac').clips;
    const whole = join(dir, 'whole.mp4');
    const uninterrupted = await createJoiner({ output: { kind: 'file', path: whole } });
    for (const p of await parts(clips))
      await uninterrupted.append({ ...p, startMs: 1_700_000_000_000 + clips.indexOf(p.name) * 2000 });
    await uninterrupted.finish();

    const resumed = join(dir, 'resumed.mp4');
    const first = await createJoiner({ output: { kind: 'file', path: resumed } });
    let checkpoint: JoinCheckpoint | undefined;
    const all = await parts(clips);
    for (const p of all.slice(0, 2))
      checkpoint = await first.append({ ...p, startMs: 1_700_000_000_000 + clips.indexOf(p.name) * 2000 });
    await first.abort();
    appendFileSync(resumed, Buffer.alloc(5000, 1)); // a part that was being copied when the process died
    const saved: JoinCheckpoint = JSON.parse(JSON.stringify(checkpoint));
    const second = await createJoiner({ output: { kind: 'file', path: resumed }, resume: saved });
    for (const p of all.slice(2))
      await second.append({ ...p, startMs: 1_700_000_000_000 + clips.indexOf(p.name) * 2000 });
    await second.finish();
    expect(readFileSync(resumed).equals(readFileSync(whole))).toBe(true);
    expect(JSON.stringify(saved).length).toBeLessThan(300);
    expect(existsSync(`${resumed}.kvsjoin`)).toBe(false);
  });

  it('resumes byte-identically from the checkpoint of a part appended without durability once sync has run, while the next part was being appended', async () => {
    const clips = fixtureSet('h264_aac').clips;
    const at = (p: JoinPart): JoinPart => ({ ...p, startMs: 1_700_000_000_000 + clips.indexOf(p.name) * 2000 });
    const all = await parts(clips);
    const whole = join(dir, 'whole-deferred.mp4');
    const uninterrupted = await createJoiner({ output: { kind: 'file', path: whole } });
    for (const p of all) await uninterrupted.append(at(p));
    await uninterrupted.finish();

    const resumed = join(dir, 'resumed-deferred.mp4');
    const first = await createJoiner({ output: { kind: 'file', path: resumed } });
    await first.append(at(all[0] as JoinPart), { durable: false });
    const checkpoint = await first.append(at(all[1] as JoinPart), { durable: false });
    // The sync for the second part runs while the third is appended (its bytes and journal line come after it).
    await Promise.all([first.sync(), first.append(at(all[2] as JoinPart), { durable: false })]);
    await first.abort();
    const second = await createJoiner({
      output: { kind: 'file', path: resumed },
      resume: JSON.parse(JSON.stringify(checkpoint)),
    });
    for (const p of all.slice(2)) await second.append(at(p));
    await second.finish();
    expect(readFileSync(resumed).equals(readFileSync(whole))).toBe(true);
  });

  it('refuses a checkpoint made with other settings', async () => {
    const path = join(dir, 'settings.mp4');
    const joiner = await createJoiner({ output: { kind: 'file', path } });
    const [part] = await parts(fixtureSet('h264').clips.slice(0, 1));
    if (part === undefined) throw new Error('no part');
    const checkpoint = await joiner.append(part);
    await joiner.abort();
    await expect(
      createJoiner({ output: { kind: 'file', path }, gaps: 'close', resume: checkpoint }),
    ).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(
      createJoiner({ output: { kind: 'file', path }, resume: { ...checkpoint, journalBytes: 1 } }),
    ).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(createJoiner({ output: { kind: 'file', path }, resume: 'garbage' })).rejects.toMatchObject({
      code: 'E_USAGE',
    });
  });

  it('names the output and hints --no-continue when the checkpoint is not one', async () => {
    const path = join(dir, 'garbage.mp4');
    await expect(createJoiner({ output: { kind: 'file', path }, resume: 'nonsense' })).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining(path) as string,
      hint: expect.stringContaining('--no-continue') as string,
    });
  });
});

describe('readClip on a file source', () => {
  it('joins from file sources as well as memory', async () => {
    const clips = fixtureSet('h264').clips.slice(0, 2);
    const out = join(dir, 'files.mp4');
    const joiner = await createJoiner({ output: { kind: 'file', path: out }, faststart: false });
    for (const path of clips) {
      const source = await openFileSource(path);
      await joiner.append({ source, clip: await readClip(source), name: path });
      await source.close();
    }
    const summary = await joiner.finish();
    expect(summary.tracks[0]?.samples).toBe(60);
    expect(summary.durationMs).toBe(4000);
  });
});
