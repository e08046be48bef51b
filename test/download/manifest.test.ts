import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertManifestMatches,
  MANIFEST_VERSION,
  manifestPathFor,
  readManifest,
  removeManifest,
  writeManifest,
  type ManifestIdentity,
  type ResumeManifest,
} from '../../src/download/manifest.js';
import { UsageError } from '../../src/errors/usage-error.js';
import type { Part } from '../../src/plan/part.js';
import { packNumbers, unpackNumbers } from '../../src/plan/fragment-numbers.js';

const identity: ManifestIdentity = {
  streamName: 'cam1',
  streamArn: 'arn:aws:kinesisvideo:us-east-1:000000000000:stream/cam1/1',
  selector: 'server',
  align: 'cover',
  window: { startMs: 1_750_000_000_000, endMs: 1_750_003_600_000 },
  layout: 'mp4 faststart=true gaps=keep',
};
const manifest: ResumeManifest = {
  version: MANIFEST_VERSION,
  identity,
  parts: [],
  committedParts: 0,
  checkpoint: null,
};

function part(index: number, fragmentNumbers: string[]): Part {
  const startMs = identity.window.startMs + index * 10_000;
  return {
    index,
    startMs,
    endMs: startMs + 9_999,
    firstFragmentNumber: fragmentNumbers[0] ?? '',
    lastFragmentNumber: fragmentNumbers[fragmentNumbers.length - 1] ?? '',
    fragmentCount: fragmentNumbers.length,
    sizeBytes: 1000 * fragmentNumbers.length,
    mediaStartMs: startMs,
    mediaEndMs: startMs + 10_000,
    mediaDurationMs: 10_000,
    fragmentNumbers: packNumbers(fragmentNumbers),
  };
}
const sha = 'ab'.repeat(32);
/** Two parts joined, one downloaded, one still planned: the state after an interrupted run. */
const interrupted: ResumeManifest = {
  version: MANIFEST_VERSION,
  identity,
  parts: [
    { part: part(0, ['100', '101']), status: 'committed', sizeBytes: 2100, sha256: sha },
    { part: part(1, ['102', '103']), status: 'committed', sizeBytes: 2200, sha256: sha },
    { part: part(2, ['104']), status: 'downloaded', sizeBytes: 1100, sha256: sha },
    { part: part(3, ['105']), status: 'planned' },
  ],
  committedParts: 2,
  checkpoint: {
    version: 1,
    format: 'progressive',
    gaps: 'keep',
    largeFileThresholdBytes: 4_000_000_000,
    committedBytes: 4000,
    parts: 2,
    journalBytes: 300,
  },
};

/** This run's fresh plan, as the interrupted run planned it. */
const plan = interrupted.parts.map((entry) => entry.part);

/** The manifest's fields as untyped JSON, for damaging them one at a time. */
type Key =
  | 'version'
  | 'identity'
  | 'committedParts'
  | 'checkpoint'
  | 'streamName'
  | 'selector'
  | 'window'
  | 'part'
  | 'status'
  | 'sizeBytes'
  | 'sha256'
  | 'index'
  | 'startMs'
  | 'endMs'
  | 'fragmentCount'
  | 'fragmentNumbers'
  | 'firstFragmentNumber';
type Loose = { [K in Key]?: unknown };
type ManifestJson = Omit<Loose, 'identity'> & { identity?: Loose; parts: Loose[] };

/** A manifest with each part's numbers as strings: packed numbers compare by value, not by the views' buffers. */
function plain(m: ResumeManifest | null): unknown {
  if (m === null) return null;
  return {
    ...m,
    parts: m.parts.map((entry) => ({
      ...entry,
      part: { ...entry.part, fragmentNumbers: unpackNumbers(entry.part.fragmentNumbers) },
    })),
  };
}

/** A manifest as versions before the digests wrote it: every part lists its fragment numbers as strings. */
function writtenBeforeDigests(m: ResumeManifest): string {
  const parts = m.parts.map((entry) => ({
    ...entry,
    part: { ...entry.part, fragmentNumbers: unpackNumbers(entry.part.fragmentNumbers) },
  }));
  return JSON.stringify({ ...m, parts });
}

/** The interrupted manifest as plain JSON, with one change applied, as it would be read back from disk. */
function edited(change: (json: ManifestJson) => void): string {
  const json = JSON.parse(writtenBeforeDigests(interrupted)) as ManifestJson;
  change(json);
  return JSON.stringify(json);
}
const partOf = (json: ManifestJson, i: number): Loose => json.parts[i]?.part ?? {};
const identityOf = (json: ManifestJson): Loose => json.identity ?? {};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-manifest-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resume manifest', () => {
  it('lives beside the output as <final>.kvsclip.json', () => {
    expect(manifestPathFor('/x/out.mp4')).toBe('/x/out.mp4.kvsclip.json');
  });

  it('round-trips atomically with owner-only permissions and leaves no temp file', async () => {
    const path = manifestPathFor(join(dir, 'out.mp4'));
    await writeManifest(path, manifest);
    await writeManifest(path, interrupted);
    expect(plain(await readManifest(path, plan))).toEqual(plain(interrupted));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['out.mp4.kvsclip.json']);
    await removeManifest(path);
    expect(await readManifest(path, plan)).toBeNull();
  });

  it("stores a digest of each part's fragment numbers instead of the numbers, so a long manifest stays small", async () => {
    const path = manifestPathFor(join(dir, 'out.mp4'));
    await writeManifest(path, interrupted);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('fragmentNumbers"');
    const stored = JSON.parse(text) as { parts: { part: { fragmentNumbersSha256?: unknown } }[] };
    expect(stored.parts.map((entry) => entry.part.fragmentNumbersSha256)).toEqual(
      plan.map(() => expect.stringMatching(/^[0-9a-f]{64}$/) as unknown),
    );
  });

  it('refuses a stored manifest whose part does not hold the fragments this run lists there, hinting --no-continue', async () => {
    const path = manifestPathFor(join(dir, 'out.mp4'));
    await writeManifest(path, interrupted);
    const relisted = plan.map((p, i) =>
      i === 1 ? { ...p, fragmentNumbers: packNumbers(['102', '103b']), lastFragmentNumber: '103b' } : p,
    );
    const error: unknown = await readManifest(path, relisted).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining('part 2') as string,
      hint: expect.stringContaining('--no-continue') as string,
    });
  });

  it('still reads a manifest that lists the fragment numbers in full (written before the digests)', async () => {
    const path = manifestPathFor(join(dir, 'out.mp4'));
    await writeFile(path, writtenBeforeDigests(interrupted));
    expect(plain(await readManifest(path, plan))).toEqual(plain(interrupted));
  });

  it('rejects a file that is not a manifest with a usage error hinting --no-continue', async () => {
    const path = join(dir, 'bad.kvsclip.json');
    await writeFile(path, '{"version": 99}');
    await expect(readManifest(path, plan)).rejects.toMatchObject({
      code: 'E_USAGE',
      hint: expect.stringContaining('--no-continue') as string,
    });
  });

  it.each<[string, Partial<ManifestIdentity>]>([
    ['stream', { streamName: 'cam2' }],
    ['selector', { selector: 'producer' }],
    ['window', { window: { startMs: 1, endMs: 2 } }],
    ['layout', { layout: 'fmp4 faststart=true gaps=keep' }],
    ['align', { align: 'inside' }],
  ])('refuses a manifest whose %s differs', (_what, change) => {
    expect(() => assertManifestMatches(manifest, { ...identity, ...change }, 'm.json')).toThrow(UsageError);
  });

  it.each<[string, Parameters<typeof edited>[0]]>([
    ['committedParts beyond the planned parts', (m) => (m.committedParts = 99)],
    ['committedParts negative', (m) => (m.committedParts = -3)],
    ['committedParts fractional', (m) => (m.committedParts = 1.5)],
    ['committedParts a string', (m) => (m.committedParts = '2')],
    ['committedParts below the committed statuses', (m) => (m.committedParts = 1)],
    ['committedParts above the committed statuses', (m) => (m.committedParts = 3)],
    ['version', (m) => (m.version = 2)],
    ['identity missing', (m) => delete m.identity],
    ['identity.streamName', (m) => (identityOf(m).streamName = 7)],
    ['identity.selector', (m) => (identityOf(m).selector = 'client')],
    ['identity.window reversed', (m) => (identityOf(m).window = { startMs: 2, endMs: 1 })],
    ['parts not an array', (m) => (m.parts = { 0: m.parts[0] } as unknown as Loose[])],
    ['a part status', (m) => (m.parts[3] = { ...m.parts[3], status: 'done' })],
    ['a committed part without sizeBytes', (m) => delete m.parts[0]?.sizeBytes],
    ['a negative sizeBytes', (m) => (m.parts[2] = { ...m.parts[2], sizeBytes: -1 })],
    ['a sha256 that is not hex', (m) => (m.parts[2] = { ...m.parts[2], sha256: 'nothex' })],
    ['a downloaded part without sha256', (m) => delete m.parts[2]?.sha256],
    ['a part index', (m) => (partOf(m, 1).index = -1)],
    ['a part whose end is before its start', (m) => (partOf(m, 1).endMs = Number(partOf(m, 1).startMs) - 1)],
    ['a part fragmentCount', (m) => (partOf(m, 1).fragmentCount = 5)],
    ['a part fragment number', (m) => (partOf(m, 1).fragmentNumbers = ['102', 'x'])],
    ['a part firstFragmentNumber', (m) => (partOf(m, 1).firstFragmentNumber = '999')],
    ['a part sizeBytes', (m) => (partOf(m, 1).sizeBytes = 'big')],
    ['parts out of order', (m) => m.parts.reverse()],
    ['a checkpoint of the wrong type', (m) => (m.checkpoint = 'nonsense')],
    [
      'a checkpoint with a negative committedBytes',
      (m) => (m.checkpoint = { ...(m.checkpoint as object), committedBytes: -5 }),
    ],
    [
      'a checkpoint with a fractional journalBytes',
      (m) => (m.checkpoint = { ...(m.checkpoint as object), journalBytes: 0.5 }),
    ],
    [
      'a checkpoint whose parts differ from committedParts',
      (m) => (m.checkpoint = { ...(m.checkpoint as object), parts: 3 }),
    ],
    [
      'a checkpoint though nothing is committed',
      (m) => {
        m.committedParts = 0;
        m.parts = m.parts.map((entry) => ({ ...entry, status: 'planned' }));
      },
    ],
  ])('refuses a manifest with a wrong field (%s), naming the file and hinting --no-continue', async (_what, change) => {
    const path = join(dir, 'bad.kvsclip.json');
    await writeFile(path, edited(change));
    const error: unknown = await readManifest(path, plan).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining(path) as string,
      hint: expect.stringContaining('--no-continue') as string,
    });
  });

  it('accepts its own identity', () => {
    expect(() => assertManifestMatches(manifest, identity, 'm.json')).not.toThrow();
  });
});
