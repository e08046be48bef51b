import { rm } from 'node:fs/promises';
import { fetchParts, type ClipCallFacts, type FetchedPart, type PartReplanner } from '../download/fetch-parts.js';
import {
  assertManifestMatches,
  manifestPathFor,
  readManifest,
  removeManifest,
  writeManifest,
  type ManifestIdentity,
  type ManifestPart,
  type ResumeManifest,
  MANIFEST_VERSION,
} from '../download/manifest.js';
import { assertManifestFits } from '../download/assert-manifest-fits.js';
import { withoutKeptParts } from '../errors/remote-error.js';
import { createPrivateFile, makePublicFileMode } from '../download/create-private-file.js';
import type { Clip } from '../mp4/model.js';
import type { Part } from '../plan/part.js';
import type { PreparedOutput } from '../output/atomic-file.js';
import type { PartResult } from './get-types.js';
import type { JoinLayout, OpenJoiner } from './join-port.js';
import type { CallContext } from './plan-window.js';
import { makeDirectories } from '../output/make-directories.js';
import { toOutputError } from '../output/to-output-error.js';
import { getClipRuntime } from './get-clip-runtime.js';
import { joinerScratch } from './open-joiner.js';
import { readClipBody } from './read-spooled-clip.js';
import { count } from '../text/count.js';

export type DownloadAndJoinInput = {
  readonly parts: readonly Part[];
  readonly identity: ManifestIdentity;
  readonly layout: JoinLayout;
  /** A file output (with resume), or a stream (`-o -`, no resume; spool in `spoolDir`). */
  readonly target:
    | { readonly kind: 'file'; readonly prepared: PreparedOutput }
    | { readonly kind: 'stream'; readonly stream: NodeJS.WritableStream; readonly spoolBase: string };
  readonly resume: boolean;
  readonly keepParts: boolean;
  readonly concurrency: number;
  readonly replanner: PartReplanner;
  readonly openJoiner: OpenJoiner;
  /**
   * Stream the head part straight into the joiner (docs/pipeline.md, "Write once"); only for a local progressive
   * file, which the joiner can roll back to its last checkpoint when a body fails midway.
   */
  readonly writeOnce?: boolean;
  readonly readClip: (path: string) => Promise<Clip>;
  readonly getClip: (
    part: Part,
    options: { destPath: string; signal: AbortSignal; onBytes: (bytes: number) => void },
  ) => Promise<ClipCallFacts>;
};

export type DownloadAndJoinResult = {
  readonly parts: readonly PartResult[];
  readonly calls: number;
  readonly outputBytes: number;
};

const partKey = (part: Part): string => `${part.startMs}-${part.endMs}`;

/**
 * Downloads the planned parts and joins them into the output, keeping the resume manifest `<final>.kvsclip.json`
 * and the spool folder `<final>.kvsclip.d/` (owner-only) up to date after every part (docs/resume-and-state.md, "Resume
 * manifest"). On success the `.part` is renamed into place and the manifest and spool removed. On failure nothing
 * appears under the final name; the manifest, `.part` and spool stay when any work is resumable (else they are removed,
 * unless keepParts). Throws: UsageError (manifest mismatch, hint --no-continue), and whatever the download or the
 * joiner throws.
 */
export async function downloadAndJoin(
  input: DownloadAndJoinInput,
  context: CallContext,
): Promise<DownloadAndJoinResult> {
  const file = input.target.kind === 'file' ? input.target.prepared : null;
  const base = file === null ? (input.target.kind === 'stream' ? input.target.spoolBase : '') : file.scratchBase;
  const manifestPath = manifestPathFor(base);
  const spoolDir = `${base}.kvsclip.d`;

  let manifest: ResumeManifest | null = null;
  if (file !== null) {
    manifest = input.resume ? await readManifest(manifestPath, input.parts) : null;
    if (manifest !== null) {
      assertManifestMatches(manifest, input.identity, manifestPath);
      await assertManifestFits(
        manifest,
        input.parts,
        { partPath: file.partPath, journalPath: `${file.partPath}.kvsjoin` },
        manifestPath,
      );
    } else await discardResumeState(file, manifestPath, spoolDir);
  }
  const entries: ManifestPart[] =
    manifest?.parts.map((entry) => ({ ...entry })) ?? input.parts.map((part) => ({ part, status: 'planned' }));
  let committed = manifest?.committedParts ?? 0;
  let checkpoint: unknown = manifest?.checkpoint ?? null;
  const finished = new Map<string, { sizeBytes: number; sha256: string }>();
  const spoolPathFor = (part: Part): string => `${spoolDir}/${partKey(part)}.mp4`;
  for (const entry of entries) {
    if (entry.status === 'downloaded' && entry.sizeBytes !== undefined && entry.sha256 !== undefined) {
      finished.set(spoolPathFor(entry.part), { sizeBytes: entry.sizeBytes, sha256: entry.sha256 });
    }
  }
  if (manifest !== null && committed + finished.size > 0) {
    context.emit({
      type: 'warning',
      code: 'resume',
      message: `Resuming from ${manifestPath}: ${committed} of ${count(entries.length, 'part')} already joined, ${finished.size} more downloaded`,
    });
  }
  await makeDirectories(spoolDir, { mode: 0o700 }).catch((cause: unknown) => {
    throw toOutputError(cause, spoolDir);
  });

  const save = async (): Promise<void> => {
    if (file === null) return;
    await writeManifest(manifestPath, {
      version: MANIFEST_VERSION,
      identity: input.identity,
      parts: entries,
      committedParts: committed,
      checkpoint,
    });
  };
  const update = (part: Part, change: Partial<ManifestPart>): void => {
    const at = entries.findIndex((entry) => partKey(entry.part) === partKey(part));
    const current = entries[at];
    if (current !== undefined) entries[at] = { ...current, ...change };
  };
  await save();

  const results: PartResult[] = entries.slice(0, committed).map((entry) => ({
    part: entry.part,
    ...(entry.sizeBytes === undefined ? {} : { downloadedBytes: entry.sizeBytes }),
    resumed: true,
  }));
  if (file !== null && committed === 0) {
    // The joiner opens the .part with the default mode; created private first, it stays 0o600 until the finished
    // output is given a plain file's mode. The joiner's own scratch files are its business (open-joiner.ts).
    await createPrivateFile(file.partPath);
  }
  const first = input.parts[0];
  const last = input.parts[input.parts.length - 1];
  const openJoiner = () =>
    input.openJoiner({
      ...input.layout,
      ...(first === undefined || last === undefined
        ? {}
        : { expectedDurationMs: last.mediaEndMs - first.mediaStartMs }),
      output: file === null ? (input.target.kind === 'stream' ? input.target.stream : '') : file.partPath,
      resume: committed > 0 ? checkpoint : null,
    });
  let joiner = await openJoiner();
  const streamHead =
    input.writeOnce === true && file !== null && input.layout.format === 'progressive'
      ? {
          readClip: readClipBody,
          // Back to the last checkpoint, exactly as a resumed run would reopen it (docs/resume-and-state.md).
          rollback: async () => {
            await joiner.abort();
            joiner = await openJoiner();
          },
        }
      : undefined;
  let calls = 0;
  try {
    const fetched = await fetchParts({
      parts: entries.slice(committed).map((entry) => entry.part),
      indexOffset: committed,
      concurrency: input.concurrency,
      getClip: input.getClip,
      readClip: input.readClip,
      spoolPathFor,
      finished,
      replanner: input.replanner,
      ...(streamHead === undefined ? {} : { streamHead }),
      consume: async (part: FetchedPart) => {
        const next = await joiner.append(part);
        // A streamed part counts once its whole body has arrived (Content-Length checked).
        await part.complete;
        checkpoint = next;
        committed++;
        update(part.part, { status: 'committed', sizeBytes: part.sizeBytes, ...digestOf(part) });
        await save();
        await rm(part.path, { force: true });
        results.push({ part: part.part, downloadedBytes: part.sizeBytes, resumed: part.resumed });
      },
      onDownloaded: async (part) => {
        update(part.part, { status: 'downloaded', sizeBytes: part.sizeBytes, ...digestOf(part) });
        await save();
      },
      onReplan: async (remaining) => {
        entries.splice(
          committed,
          entries.length - committed,
          ...remaining.map((part): ManifestPart => {
            const known = entries.find((entry) => partKey(entry.part) === partKey(part));
            return known ?? { part, status: 'planned' };
          }),
        );
        await save();
      },
      ...getClipRuntime(context),
    });
    calls = fetched.calls;
    context.stats.retries += fetched.retries;
    const { bytes } = await joiner.finish();
    if (file !== null) {
      await file.commit();
      await makePublicFileMode(file.finalPath);
      // A join through a sink keeps its journal until the commit (a failed upload resumes from it).
      await rm(joinerScratch(file.partPath).journal, { force: true });
    }
    await removeManifest(manifestPath);
    await rm(spoolDir, { recursive: true, force: true });
    return { parts: results, calls, outputBytes: bytes };
  } catch (error) {
    // The original failure is what the user must see; a joiner that also fails to stop adds nothing.
    await joiner.abort().catch(() => undefined);
    const resumable = file !== null && (committed > 0 || entries.some((entry) => entry.status === 'downloaded'));
    if (!resumable && !input.keepParts) {
      if (file !== null) await discardResumeState(file, manifestPath, spoolDir);
      else await rm(spoolDir, { recursive: true, force: true });
    }
    throw resumable ? error : withoutKeptParts(error);
  }
}

function digestOf(part: FetchedPart): { sha256?: string } {
  return part.sha256 === undefined ? {} : { sha256: part.sha256 };
}

/** Removes a previous run's manifest, spool folder and `.part` (starting over). */
async function discardResumeState(file: PreparedOutput, manifestPath: string, spoolDir: string): Promise<void> {
  await removeManifest(manifestPath);
  await rm(spoolDir, { recursive: true, force: true });
  // The joiner's journal beside the .part belongs to the discarded join too.
  await rm(joinerScratch(file.partPath).journal, { force: true });
  await file.discard();
}
