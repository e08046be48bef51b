import { rm } from 'node:fs/promises';
import {
  fetchParts,
  type ClipCallFacts,
  type FetchedPart,
  type FetchPartsOptions,
  type PartReplanner,
} from '../download/fetch-parts.js';
import { manifestPathFor, removeManifest, type ManifestIdentity } from '../download/manifest.js';
import { withoutKeptParts } from '../errors/remote-error.js';
import { createPrivateFile, makePublicFileMode } from '../download/create-private-file.js';
import type { Clip } from '../mp4/model.js';
import type { Part } from '../plan/part.js';
import type { PreparedOutput } from '../output/atomic-file.js';
import type { PartResult } from './get-types.js';
import type { JoinerPort, JoinLayout, OpenJoiner } from './join-port.js';
import type { CallContext } from './plan-window.js';
import { makeDirectories } from '../output/make-directories.js';
import { toOutputError } from '../output/to-output-error.js';
import { getClipRuntime } from './get-clip-runtime.js';
import { joinerScratch } from './open-joiner.js';
import { readClipBody } from './read-spooled-clip.js';
import { ResumeLedger, discardResumeState, type ResumePaths } from './resume-ledger.js';
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
   * Stream the head part straight into the joiner (docs/pipeline.md, "Write once"); only for a progressive output
   * the joiner can roll back to its last checkpoint when a body fails midway: a local file, or an S3 object's
   * streaming sink (closed with its upload state kept, and reopened at the checkpoint).
   */
  readonly writeOnce?: boolean;
  /** With write once: bytes of the head body held in memory ahead of the joiner (DownloadOptions). */
  readonly headBodyMemoryBytes?: number;
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
  const paths: ResumePaths = { manifest: manifestPathFor(base), spool: `${base}.kvsclip.d` };
  const spoolPathFor = (part: Part): string => `${paths.spool}/${partKey(part)}.mp4`;
  const ledger = await ResumeLedger.open(input, file, paths);
  const finished = ledger.downloadedBodies(spoolPathFor);
  if (ledger.resumed && ledger.committed + finished.size > 0) {
    context.emit({
      type: 'warning',
      code: 'resume',
      message: `Resuming from ${paths.manifest}: ${ledger.committed} of ${count(ledger.total, 'part')} already joined, ${finished.size} more downloaded`,
    });
  }
  await makeDirectories(paths.spool, { mode: 0o700 }).catch((cause: unknown) => {
    throw toOutputError(cause, paths.spool);
  });
  await ledger.save();

  const results = ledger.resumedResults();
  if (file !== null && ledger.committed === 0) {
    // The joiner opens the .part with the default mode; created private first, it stays 0o600 until the finished
    // output is given a plain file's mode. The joiner's own scratch files are its business (open-joiner.ts).
    await createPrivateFile(file.partPath);
  }
  const commits = new CommitChain();
  const join = await openJoin(input, file, ledger, commits);
  try {
    const fetched = await fetchParts({
      parts: ledger.remaining(),
      indexOffset: ledger.committed,
      concurrency: input.concurrency,
      getClip: input.getClip,
      readClip: input.readClip,
      spoolPathFor,
      finished,
      replanner: input.replanner,
      ...(join.streamHead === undefined ? {} : { streamHead: join.streamHead }),
      consume: consumerOf(join, ledger, commits, results),
      onDownloaded: (part) => ledger.downloaded(part),
      // A re-plan rewrites the entries after the joined ones: the commits under way first.
      onReplan: async (remaining) => {
        await commits.settle();
        await ledger.replan(remaining);
      },
      ...getClipRuntime(context),
    });
    context.stats.retries += fetched.retries;
    await commits.drain();
    const bytes = await finishJoin(join.joiner(), file, paths);
    return { parts: results, calls: fetched.calls, outputBytes: bytes };
  } catch (error) {
    // What was committed decides what stays resumable.
    await commits.settle();
    throw await failJoin(error, join.joiner(), { file, paths, ledger, keepParts: input.keepParts });
  }
}

/**
 * Appends each part, then commits it: its checkpoint stored in the ledger, its spool file removed. With write once the
 * part is appended with `durable: false` and committed (synced first) while the next part is copied, so the data sync
 * of one part no longer holds up the download of the next (docs/pipeline.md, "Write once").
 */
function consumerOf(
  join: { joiner: () => JoinerPort; streamHead: FetchPartsOptions['streamHead'] },
  ledger: ResumeLedger,
  commits: CommitChain,
  results: PartResult[],
): (part: FetchedPart) => Promise<void> {
  return async (part) => {
    commits.throwIfFailed();
    const joiner = join.joiner();
    const deferred = join.streamHead !== undefined && joiner.sync !== undefined;
    const next = await joiner.append(part, { durable: !deferred });
    // A streamed part counts once its whole body has arrived (Content-Length checked).
    await part.complete;
    const commit = async (): Promise<void> => {
      if (deferred) await joiner.sync?.();
      await ledger.commit(part, next);
      await rm(part.path, { force: true });
    };
    if (deferred) commits.queue(commit);
    else await commit();
    results.push({ part: part.part, downloadedBytes: part.sizeBytes, resumed: part.resumed });
  };
}

/**
 * The joiner over the output, resuming at the ledger's checkpoint. With write once, the head part streams into it
 * and a body failing midway reopens it at the last checkpoint, exactly as a resumed run would (docs/pipeline.md).
 */
async function openJoin(
  input: DownloadAndJoinInput,
  file: PreparedOutput | null,
  ledger: ResumeLedger,
  commits: CommitChain,
): Promise<{ joiner: () => JoinerPort; streamHead: FetchPartsOptions['streamHead'] }> {
  const first = input.parts[0];
  const last = input.parts[input.parts.length - 1];
  const open = () =>
    input.openJoiner({
      ...input.layout,
      ...(first === undefined || last === undefined
        ? {}
        : { expectedDurationMs: last.mediaEndMs - first.mediaStartMs }),
      output: file === null ? (input.target.kind === 'stream' ? input.target.stream : '') : file.partPath,
      resume: ledger.committed > 0 ? ledger.checkpoint : null,
    });
  let joiner = await open();
  const streamHead =
    input.writeOnce === true && file !== null && input.layout.format === 'progressive'
      ? {
          readClip: readClipBody,
          // Back to the last checkpoint, exactly as a resumed run would reopen it (docs/resume-and-state.md).
          rollback: async () => {
            // The checkpoint to go back to is the last one stored: every commit under way first (one that failed
            // throws here, since the part it was for is gone from the queue).
            await commits.drain();
            await joiner.abort();
            joiner = await open();
          },
          ...(input.headBodyMemoryBytes === undefined ? {} : { memoryCapBytes: input.headBodyMemoryBytes }),
        }
      : undefined;
  return { joiner: () => joiner, streamHead };
}

/** Writes the tail, puts a file in place with a plain mode, and removes the resume state; the output's size. */
async function finishJoin(joiner: JoinerPort, file: PreparedOutput | null, paths: ResumePaths): Promise<number> {
  const { bytes } = await joiner.finish();
  if (file !== null) {
    await file.commit();
    await makePublicFileMode(file.finalPath);
    // A join through a sink keeps its journal until the commit (a failed upload resumes from it).
    await rm(joinerScratch(file.partPath).journal, { force: true });
  }
  await removeManifest(paths.manifest);
  await rm(paths.spool, { recursive: true, force: true });
  return bytes;
}

/**
 * After a failure: stops the joiner, and unless a rerun could resume (or keepParts) removes the resume state. Returns
 * the error to throw, marked as keeping no parts when nothing was kept.
 */
async function failJoin(
  error: unknown,
  joiner: JoinerPort,
  state: { file: PreparedOutput | null; paths: ResumePaths; ledger: ResumeLedger; keepParts: boolean },
): Promise<unknown> {
  // The original failure is what the user must see; a joiner that also fails to stop adds nothing.
  await joiner.abort().catch(() => undefined);
  const resumable = state.ledger.resumable();
  if (!resumable && !state.keepParts) {
    if (state.file !== null) await discardResumeState(state.file, state.paths);
    else await rm(state.paths.spool, { recursive: true, force: true });
  }
  return resumable ? error : withoutKeptParts(error);
}

/**
 * The commits of parts appended with `durable: false` (sync, then the checkpoint saved, then the spool file removed),
 * run one after another in part order while the next parts are copied. The first failure stops the chain: later
 * commits do not run, and `drain` (and the next consume) throw it.
 */
class CommitChain {
  private last: Promise<void> = Promise.resolve();
  private failure: { readonly error: unknown } | null = null;

  /** Runs `commit` after the commits queued before it (a method named `then` would make the chain a thenable). */
  queue(commit: () => Promise<void>): void {
    this.last = this.last
      .then(() => (this.failure === null ? commit() : undefined))
      .catch((error: unknown) => {
        this.failure ??= { error };
      });
  }

  /** Throws the first failed commit's error, if any. */
  throwIfFailed(): void {
    if (this.failure !== null) throw this.failure.error;
  }

  /** Waits for every commit; throws the first failure. */
  async drain(): Promise<void> {
    await this.last;
    this.throwIfFailed();
  }

  /** Waits for every commit, failed or not. */
  async settle(): Promise<void> {
    await this.last;
  }
}
