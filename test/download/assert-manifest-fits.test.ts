import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertManifestFits, type ResumeFiles } from '../../src/download/assert-manifest-fits.js';
import { MANIFEST_VERSION, type ResumeManifest } from '../../src/download/manifest.js';
import { UsageError } from '../../src/errors/usage-error.js';
import type { Part } from '../../src/plan/part.js';
import { packNumbers } from '../../src/plan/fragment-numbers.js';

function part(index: number, fragmentNumbers: string[]): Part {
  const startMs = 1_750_000_000_000 + index * 10_000;
  return {
    index,
    startMs,
    endMs: startMs + 9_999,
    firstFragmentNumber: fragmentNumbers[0] ?? '',
    lastFragmentNumber: fragmentNumbers[fragmentNumbers.length - 1] ?? '',
    fragmentCount: fragmentNumbers.length,
    sizeBytes: 1000,
    mediaStartMs: startMs,
    mediaEndMs: startMs + 10_000,
    mediaDurationMs: 10_000,
    fragmentNumbers: packNumbers(fragmentNumbers),
  };
}

const plan = [part(0, ['100', '101']), part(1, ['102', '103']), part(2, ['104'])];
const sha = 'cd'.repeat(32);
const manifest: ResumeManifest = {
  version: MANIFEST_VERSION,
  identity: {
    streamName: 'cam1',
    streamArn: null,
    selector: 'server',
    align: 'cover',
    window: { startMs: 1, endMs: 2 },
    layout: 'mp4',
  },
  parts: [
    { part: plan[0] ?? part(0, []), status: 'committed', sizeBytes: 10, sha256: sha },
    { part: plan[1] ?? part(1, []), status: 'committed', sizeBytes: 10, sha256: sha },
    { part: plan[2] ?? part(2, []), status: 'planned' },
  ],
  committedParts: 2,
  checkpoint: { version: 1, format: 'progressive', committedBytes: 40, parts: 2, journalBytes: 20 },
};

let dir: string;
let files: ResumeFiles;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-fits-'));
  files = { partPath: join(dir, 'out.mp4.part'), journalPath: join(dir, 'out.mp4.part.kvsjoin') };
  await writeFile(files.partPath, Buffer.alloc(40));
  await writeFile(files.journalPath, Buffer.alloc(20));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(run: Promise<void>): Promise<unknown> {
  return run.then(
    () => null,
    (error: unknown) => error,
  );
}

describe('assertManifestFits', () => {
  it('accepts a manifest whose parts cover the plan and whose files hold the committed bytes', async () => {
    await expect(assertManifestFits(manifest, plan, files, 'm.json')).resolves.toBeUndefined();
  });

  it('accepts the same fragments cut into different parts (a re-plan during the interrupted run)', async () => {
    const recut = [part(0, ['100', '101']), part(1, ['102']), part(2, ['103', '104'])];
    await expect(assertManifestFits(manifest, recut, files, 'm.json')).resolves.toBeUndefined();
  });

  it('accepts a .part longer than the checkpoint (bytes after it are an unfinished part, truncated on resume)', async () => {
    await writeFile(files.partPath, Buffer.alloc(90));
    await expect(assertManifestFits(manifest, plan, files, 'm.json')).resolves.toBeUndefined();
  });

  it.each<[string, () => Promise<void> | void, readonly Part[]]>([
    [
      'a plan with other fragments',
      () => undefined,
      [part(0, ['100', '101']), part(1, ['102', '199']), part(2, ['104'])],
    ],
    ['a plan with more fragments', () => undefined, [...plan, part(3, ['105'])]],
    ['a plan with fewer fragments', () => undefined, plan.slice(0, 2)],
    ['a .part shorter than the committed bytes', () => writeFile(files.partPath, Buffer.alloc(39)), plan],
    ['a missing .part', () => rm(files.partPath), plan],
    ['a journal shorter than the checkpoint says', () => writeFile(files.journalPath, Buffer.alloc(19)), plan],
    ['a missing journal', () => rm(files.journalPath), plan],
  ])('refuses to resume with %s, naming the manifest and hinting --no-continue', async (_what, damage, against) => {
    await damage();
    const error = await refusal(assertManifestFits(manifest, against, files, '/x/out.mp4.kvsclip.json'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining('/x/out.mp4.kvsclip.json') as string,
      hint: expect.stringContaining('--no-continue') as string,
    });
  });

  it('does not look at the files when nothing is committed yet', async () => {
    await rm(files.partPath);
    const fresh: ResumeManifest = {
      ...manifest,
      parts: manifest.parts.map((entry) => ({ part: entry.part, status: 'planned' })),
      committedParts: 0,
      checkpoint: null,
    };
    await expect(assertManifestFits(fresh, plan, files, 'm.json')).resolves.toBeUndefined();
  });
});
