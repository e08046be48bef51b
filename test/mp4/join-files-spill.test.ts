import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaError } from '../../src/errors/media-error.js';
import { joinFiles } from '../../src/mp4/write/join-clips.js';
import { readClip } from '../../src/mp4/read/read-clip.js';
import { openFileSource } from '../../src/mp4/write/file-source.js';
import { fixtureSet } from '../fixtures/fixture-sets.js';

/**
 * A join long enough to fill a 256 KB stsz block (65 536 samples): 2 200 inputs of 30 frames each. The same clip
 * repeated is joined end to end, as the bench's 10 h join does (docs/joiner.md, "Memory").
 */
const clip = fixtureSet('h264').clips[0] ?? '';
const long = Array.from({ length: 2200 }, () => clip);

let dir = '';
let watcher: FSWatcher | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-join-spill-'));
});
afterEach(() => {
  watcher?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Watches `dir` for the scratch file: whether it appeared, and its mode while it existed. */
function watchScratch(name: string): { seen: () => boolean; mode: () => number | undefined } {
  let seen = false;
  let mode: number | undefined;
  watcher = watch(dir, (_event, file) => {
    if (file !== name) return;
    seen = true;
    try {
      mode ??= statSync(join(dir, name)).mode & 0o777;
    } catch {
      // removed already
    }
  });
  return { seen: () => seen, mode: () => mode };
}

/** Lets the watcher's queued events arrive. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

describe('join of local files, long enough to spill its sample tables', () => {
  it('spills full table blocks to a private <output>.kvstables and removes it when the join is done', async () => {
    const out = join(dir, 'out.mp4');
    const scratch = watchScratch('out.mp4.kvstables');
    const summary = await joinFiles(long, out, {});
    await settle();
    expect(scratch.seen()).toBe(true);
    expect(scratch.mode()).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['out.mp4']);
    const source = await openFileSource(out);
    try {
      const joined = await readClip(source, { name: out });
      expect(joined.tracks[0]?.samples.unitCount).toBe(2200 * 30);
    } finally {
      await source.close();
    }
    expect(summary.joins).toBe(2199);
  });

  it('removes the scratch file when a late input cannot be joined, leaving nothing behind', async () => {
    const out = join(dir, 'out.mp4');
    const scratch = watchScratch('out.mp4.kvstables');
    const mismatched = fixtureSet('h265').clips[1] ?? '';
    const error: unknown = await joinFiles([...long, mismatched], out, {}).catch((caught: unknown) => caught);
    await settle();
    expect(error).toBeInstanceOf(MediaError);
    expect(error).toMatchObject({ code: 'E_JOIN_MISMATCH' });
    expect(scratch.seen()).toBe(true);
    expect(existsSync(join(dir, 'out.mp4.kvstables'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
