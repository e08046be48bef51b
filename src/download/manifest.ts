import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OutputError } from '../errors/output-error.js';
import { UsageError } from '../errors/usage-error.js';
import type { Selector, TimeRange } from '../plan/fragment.js';
import { packNumbers } from '../plan/fragment-numbers.js';
import type { Part } from '../plan/part.js';
import { compactPart, expandParts } from './manifest-fragments.js';
import { manifestProblem } from './manifest-problem.js';

/**
 * The resume manifest `<final>.kvsclip.json` (docs/resume-and-state.md, "Resume manifest", aria2's control-file model).
 * GetClip has no byte ranges, so resume works per part: the manifest holds the plan, each part's status with size and
 * sha256, and the joiner's checkpoint after the last committed part. It never holds credentials, signed URLs or request
 * ids.
 */
export const MANIFEST_VERSION = 1;

export type ManifestPartStatus = 'planned' | 'downloaded' | 'committed';

export type ManifestPart = {
  readonly part: Part;
  readonly status: ManifestPartStatus;
  /** Size and sha256 of the spooled clip, once downloaded. */
  readonly sizeBytes?: number;
  readonly sha256?: string;
};

/** What must match for a rerun to continue this manifest (else: start over with --no-continue). */
export type ManifestIdentity = {
  readonly streamName: string;
  readonly streamArn: string | null;
  readonly selector: Selector;
  readonly align: string;
  /** The resolved window (after retention clamping). */
  readonly window: TimeRange;
  /** Output layout settings that change the bytes: format, faststart, gap policy. */
  readonly layout: string;
  /**
   * The request as typed (time flags, zone, stream, selector, align, layout) of a plain run: a rerun that repeats
   * it continues `window` (src/clip/resume-window.ts). Opaque here; absent in manifests of cron runs and of older
   * versions.
   */
  readonly request?: unknown;
};

export type ResumeManifest = {
  readonly version: typeof MANIFEST_VERSION;
  readonly identity: ManifestIdentity;
  readonly parts: readonly ManifestPart[];
  /** Parts 0 … committedParts−1 are in the joiner's output. */
  readonly committedParts: number;
  /** The joiner's checkpoint after the last committed part (JSON form), null before the first. */
  readonly checkpoint: unknown;
};

/** `<final>.kvsclip.json`: beside the output so a rerun of the same command finds it. */
export function manifestPathFor(finalPath: string): string {
  return `${finalPath}.kvsclip.json`;
}

/**
 * Reads a manifest; null when there is none. The file stores each part's fragment numbers as a count and digest
 * (manifest-fragments.ts): they are taken from `plan`, this run's fresh plan, where the digests agree. Every field
 * is then checked (types, ranges, agreement between the parts' statuses, `committedParts` and the joiner
 * checkpoint); `assertManifestFits` checks the rest against the plan and the files. Throws UsageError `E_USAGE`
 * (hint `--no-continue`) when the file exists but is not a manifest this version understands, a part's fragments
 * are not the plan's, or any field is out of range.
 */
export async function readManifest(path: string, plan: readonly Part[]): Promise<ResumeManifest | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new OutputError('E_OUTPUT_WRITE', `Could not read the resume manifest ${path}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw unusable(path, 'not JSON', error);
  }
  const entries: unknown = typeof parsed === 'object' && parsed !== null && 'parts' in parsed ? parsed.parts : null;
  if (Array.isArray(entries)) {
    const differs = expandParts(entries, plan);
    if (differs >= 0) {
      const why =
        differs === 0 && startsBeforePlan(entries[0], plan[0])
          ? "the fragments its part 1 starts with are no longer listed (aged out of the stream's retention since the interrupted run)"
          : `part ${differs + 1} does not hold the fragments this run lists there`;
      throw unusable(path, why);
    }
  }
  if (!isManifest(parsed)) {
    throw unusable(
      path,
      `not a version ${MANIFEST_VERSION} kvs-clip manifest (${manifestProblem(parsed, MANIFEST_VERSION) ?? 'unknown'})`,
    );
  }
  return withPackedNumbers(parsed);
}

/** Whether a stored part (parsed JSON) starts before the plan's first part: its head is not listed any more. */
function startsBeforePlan(entry: unknown, first: Part | undefined): boolean {
  if (typeof entry !== 'object' || entry === null || !('part' in entry)) return false;
  const part: unknown = entry.part;
  const startMs: unknown = typeof part === 'object' && part !== null && 'startMs' in part ? part.startMs : undefined;
  return typeof startMs === 'number' && (first === undefined || startMs < first.startMs);
}

/** A manifest written before the digests lists its numbers as strings: packed here like the plan's. */
function withPackedNumbers(manifest: ResumeManifest): ResumeManifest {
  if (!manifest.parts.some((entry) => Array.isArray(entry.part.fragmentNumbers))) return manifest;
  const parts = manifest.parts.map((entry) => {
    const numbers: unknown = entry.part.fragmentNumbers;
    if (!Array.isArray(numbers)) return entry;
    return { ...entry, part: { ...entry.part, fragmentNumbers: packNumbers(numbers as string[]) } };
  });
  return { ...manifest, parts };
}

function unusable(path: string, why: string, cause?: unknown): UsageError {
  return new UsageError('E_USAGE', `Cannot resume from ${path}: ${why}`, {
    hint: 'Pass --no-continue to start over (the manifest and partial files are replaced)',
    cause,
  });
}

function isManifest(value: unknown): value is ResumeManifest {
  return manifestProblem(value, MANIFEST_VERSION) === null;
}

/**
 * Checks that a found manifest belongs to this command. Throws UsageError `E_USAGE` naming the first difference,
 * with the hint `--no-continue`.
 */
export function assertManifestMatches(manifest: ResumeManifest, identity: ManifestIdentity, path: string): void {
  const found = manifest.identity;
  const diffs: string[] = [];
  if (found.streamName !== identity.streamName) diffs.push(`stream ${found.streamName}`);
  if (found.streamArn !== null && identity.streamArn !== null && found.streamArn !== identity.streamArn)
    diffs.push(`stream ARN ${found.streamArn}`);
  if (found.selector !== identity.selector) diffs.push(`${found.selector} timestamps`);
  if (found.align !== identity.align) diffs.push(`--align ${found.align}`);
  if (found.window.startMs !== identity.window.startMs || found.window.endMs !== identity.window.endMs) {
    diffs.push(
      `window ${new Date(found.window.startMs).toISOString()} → ${new Date(found.window.endMs).toISOString()}`,
    );
  }
  if (found.layout !== identity.layout) diffs.push(`output layout ${found.layout}`);
  if (diffs.length > 0) {
    throw new UsageError('E_USAGE', `The resume manifest ${path} is for a different download (${diffs.join(', ')})`, {
      hint: 'Pass --no-continue to start over, or rerun the exact command that was interrupted',
    });
  }
}

/**
 * Writes the manifest atomically (temp file, fsync, rename) with owner-only permissions, so a crash leaves either
 * the old or the new manifest. Throws OutputError `E_OUTPUT_WRITE`.
 */
export async function writeManifest(path: string, manifest: ResumeManifest): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      const stored = {
        ...manifest,
        parts: manifest.parts.map((entry) => ({ ...entry, part: compactPart(entry.part) })),
      };
      await handle.writeFile(`${JSON.stringify(stored, null, 1)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new OutputError('E_OUTPUT_WRITE', `Could not write the resume manifest ${path}`, { cause: error });
  }
}

/**
 * Deletes the manifest (after the final rename, or when starting over), and any temp file a writer killed between
 * open and rename left beside it (`<manifest>.<hex>.tmp`), so a finished run leaves only the output.
 */
export async function removeManifest(path: string): Promise<void> {
  await rm(path, { force: true });
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => []);
  const leftovers = names.filter(
    (name) => name.startsWith(prefix) && /^[0-9a-f]{8}\.tmp$/.test(name.slice(prefix.length)),
  );
  await Promise.all(leftovers.map((name) => rm(join(dirname(path), name), { force: true })));
}
