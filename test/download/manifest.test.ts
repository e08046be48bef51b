import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
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

const identity: ManifestIdentity = {
  streamName: 'cam1',
  streamArn: 'arn:aws:kinesisvideo:us-east-1:000000000000:stream/cam1/1',
  selector: 'server',
  align: 'cover',
  window: { startMs: 1_750_000_000_000, endMs: 1_750_003_600_000 },
  layout: 'mp4 faststart=true gaps=keep',
};
const manifest: ResumeManifest = { version: MANIFEST_VERSION, identity, parts: [], committedParts: 0, checkpoint: null };

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
    await writeManifest(path, { ...manifest, committedParts: 1 });
    expect(await readManifest(path)).toEqual({ ...manifest, committedParts: 1 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['out.mp4.kvsclip.json']);
    await removeManifest(path);
    expect(await readManifest(path)).toBeNull();
  });

  it('rejects a file that is not a manifest with a usage error hinting --no-continue', async () => {
    const path = join(dir, 'bad.kvsclip.json');
    await writeFile(path, '{"version": 99}');
    await expect(readManifest(path)).rejects.toMatchObject({ code: 'E_USAGE', hint: expect.stringContaining('--no-continue') as string });
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

  it('accepts its own identity', () => {
    expect(() => assertManifestMatches(manifest, identity, 'm.json')).not.toThrow();
  });
});
