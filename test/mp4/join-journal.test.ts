import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClipRecord } from '../../src/mp4/read/clip-record.js';
import { JoinJournal, type JournalEntry } from '../../src/mp4/write/join-journal.js';

// The journal only stores and returns the clip records; their content is the joiner's business.
const clip = { layout: 'moov-first', movieTimescale: 1000, sizeBytes: 1, tracks: [] } as unknown as ClipRecord;
const entry = (name: string): JournalEntry => ({ name, startMs: 0, clip });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function written(names: readonly string[]): Promise<{ path: string; bytes: number }> {
  const path = join(dir, 'out.kvsjoin');
  const journal = await JoinJournal.create(path);
  for (const name of names) await journal.append(entry(name));
  const bytes = journal.bytes;
  await journal.close();
  return { path, bytes };
}

describe('JoinJournal.resume', () => {
  it('replays the committed entries one at a time, in order, and drops what follows them', async () => {
    const { path, bytes } = await written(['a', 'b', 'c']);
    await writeFile(path, '{"name":"not committed"', { flag: 'a' });
    const seen: string[] = [];
    const { journal, entries } = await JoinJournal.resume(path, bytes, (e) => seen.push(e.name));
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(entries).toBe(3);
    await journal.append(entry('d'));
    await journal.close();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as JournalEntry).name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('replays nothing from an empty checkpoint', async () => {
    const { path } = await written(['a']);
    const seen: string[] = [];
    expect((await JoinJournal.resume(path, 0, (e) => seen.push(e.name))).entries).toBe(0);
    expect(seen).toEqual([]);
  });

  it('refuses a journal shorter than the checkpoint says, with the start-over hint', async () => {
    const { path, bytes } = await written(['a']);
    await expect(JoinJournal.resume(path, bytes + 1, () => undefined)).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringMatching(/has \d+ bytes, checkpoint says/),
    });
  });

  it('refuses a missing journal and a corrupt line as E_USAGE', async () => {
    await expect(JoinJournal.resume(join(dir, 'none.kvsjoin'), 10, () => undefined)).rejects.toMatchObject({
      code: 'E_USAGE',
    });
    const path = join(dir, 'bad.kvsjoin');
    await writeFile(path, '{"name":"a","clip":{}}\nnot json\n');
    await expect(JoinJournal.resume(path, 32, () => undefined)).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringMatching(/is corrupt/),
    });
  });

  it('passes on what the replay throws', async () => {
    const { path, bytes } = await written(['a', 'b']);
    const failure = new Error('replay refused b');
    await expect(
      JoinJournal.resume(path, bytes, (e) => {
        if (e.name === 'b') throw failure;
      }),
    ).rejects.toBe(failure);
  });
});
