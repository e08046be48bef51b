/**
 * Shared setup of the reliability suite: one fixed archive (a 1 s-fragment H.264 stream ending at T0), the isolated
 * environment the built CLI runs in, and the file-system checks every scenario makes (sha256 of the output, the
 * files left in the output directory, their modes).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorOptions } from '../../src/emulator/start-emulator.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/emulator/local-credentials.js';
import type { StreamSpec } from '../../src/emulator/stream-spec.js';

/** The archive ends at T0 (a whole minute, two minutes before the suite started), identical in every emulator. */
export const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;

export const STREAM = 'cam';

/** 20 minutes of 1 s H.264 fragments: small, fast to encode, many fragments per minute. */
export const STREAMS: readonly StreamSpec[] = [
  { name: STREAM, source: { preset: 'h264' }, fragmentSeconds: 1, spanMs: 20 * 60_000, endMs: T0 },
];

/** GetClip returns at most this many fragments per call (a stand-in for the 200-fragment cap, so parts are many). */
export const CAP_FRAGMENTS = 25;

/** The emulator options every scenario starts from: real clock (SigV4 and quotas need it), AWS quotas on, tiny caps. */
export function baseEmulatorOptions(extra: Partial<EmulatorOptions> = {}): EmulatorOptions {
  return { streams: STREAMS, seed: 7, caps: { maxFragments: CAP_FRAGMENTS }, ...extra };
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** A range of `minutes` ending `endBeforeT0Ms` before T0, as absolute ISO flags. */
export function rangeArgs(minutes: number, endBeforeT0Ms = 60_000): string[] {
  const end = T0 - endBeforeT0Ms;
  return ['--since', iso(end - minutes * 60_000), '--until', iso(end)];
}

/**
 * The child's whole environment: credentials of the emulator (or the given ones), UTC, and a private HOME with no AWS
 * config so nothing of the developer's machine leaks in. `pinNow` sets KVS_CLIP_NOW = T0. Downloads run without it:
 * the CLI feeds that frozen clock to the pacer and the retry budget too, which stretches pacing waits (part k waits
 * k seconds) and disables --retry-max-time; the ranges here are absolute, so a pinned now is not needed for them.
 */
export function cliEnv(
  home: string,
  options: {
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    pinNow?: boolean;
    extra?: Record<string, string>;
  } = {},
): Record<string, string> {
  const credentials = options.credentials ?? LOCAL_CREDENTIALS;
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    TZ: 'UTC',
    ...(options.pinNow === true ? { KVS_CLIP_NOW: iso(T0) } : {}),
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...('sessionToken' in credentials && credentials.sessionToken !== undefined
      ? { AWS_SESSION_TOKEN: credentials.sessionToken }
      : {}),
    AWS_REGION: LOCAL_REGION,
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
    ...options.extra,
  };
}

/** A fresh private directory (removed by the returned cleanup). */
export function workDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `kvs-clip-rel-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file and directory below `dir` (relative paths, sorted), with its permission bits. */
export function listTree(dir: string): { path: string; mode: number; size: number; isDir: boolean }[] {
  const found: { path: string; mode: number; size: number; isDir: boolean }[] = [];
  const walk = (relative: string): void => {
    let names: string[];
    try {
      names = readdirSync(join(dir, relative));
    } catch {
      return; // removed while we looked (a CLI still running renames and deletes its temp files)
    }
    for (const name of names) {
      const path = relative === '' ? name : `${relative}/${name}`;
      const info = statSync(join(dir, path), { throwIfNoEntry: false });
      if (info === undefined) continue;
      found.push({ path, mode: info.mode & 0o777, size: info.size, isDir: info.isDirectory() });
      if (info.isDirectory()) walk(path);
    }
  };
  walk('');
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** Seeded [0, 1) random numbers, for kill points and fuzz inputs. */
export { seededRandom as seeded } from '../../src/emulator/seeded-random.js';
