import { rm, stat } from 'node:fs/promises';
import { withoutKeptParts } from '../errors/remote-error.js';
import { throttleCauseOf } from '../download/throttle-cause.js';
import { withRetry } from '../download/with-retry.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { KvsClipError } from '../errors/kvs-clip-error.js';
import { createPrivateFile, makePublicFileMode } from '../download/create-private-file.js';
import type { Clip } from '../mp4/model.js';
import type { Selector, TimeRange } from '../plan/fragment.js';
import { timeWindowsFallback, type FallbackOutcome } from '../plan/time-windows-fallback.js';
import { formatInstant } from '../time/format-instant.js';
import type { DownloadAndJoinResult } from './download-and-join.js';
import type { JoinerPort } from './join-port.js';
import { joinerScratch } from './open-joiner.js';
import type { Plan } from '../plan/plan-parts.js';
import type { JoinDestination, JoinSource } from './targets/output-target.js';
import type { KvsPort } from './kvs-port.js';
import { paceGetClip } from './pace-get-clip.js';
import type { CallContext } from './plan-window.js';
import { makeDirectories } from '../output/make-directories.js';
import { toOutputError } from '../output/to-output-error.js';

export type TimeWindowsInput = {
  readonly window: TimeRange;
  readonly selector: Selector;
  readonly readClip: (path: string) => Promise<Clip>;
  readonly kvs: KvsPort;
};

/** No listing, no parts: the plan a time-window run reports (its window, nothing planned). */
export function emptyPlanOf(window: TimeRange, selector: Selector): Plan {
  return { selector, window, parts: [], gaps: [], covered: null, fragmentCount: 0, sizeBytes: 0 };
}

/**
 * The JoinSource of a run without a fragment list (ListFragments denied): the joined targets (file, stdout, S3
 * object) fill their output from adaptive time windows instead of planned parts.
 */
export function timeWindowSource(input: TimeWindowsInput, context: CallContext): JoinSource {
  return {
    plan: emptyPlanOf(input.window, input.selector),
    context,
    joinInto: (destination) => fetchByTimeWindows(input, destination, context),
  };
}

/**
 * The download without a fragment list: back-to-back GetClip windows sized by timeWindowsFallback, each body checked
 * and joined in order into the target's output, anchored by media duration since no fragment timestamps are known.
 * No gap report, no resume (nothing is kept on failure), no exact truncation check (the caller has warned). Throws
 * NotFoundError `E_NO_MEDIA` when no window held media, and whatever the calls or the joiner throw.
 */
export async function fetchByTimeWindows(
  input: TimeWindowsInput,
  destination: JoinDestination,
  context: CallContext,
): Promise<DownloadAndJoinResult> {
  const { target } = destination;
  const file = target.kind === 'file' ? target.prepared : null;
  const spoolDir = `${file === null ? (target.kind === 'stream' ? target.spoolBase : '') : file.scratchBase}.kvsclip.d`;
  await makeDirectories(spoolDir, { mode: 0o700 }).catch((cause: unknown) => {
    throw toOutputError(cause, spoolDir);
  });
  // Created private first, as in downloadAndJoin; the joiner's own scratch files are its business (open-joiner.ts).
  if (file !== null) await createPrivateFile(file.partPath);
  const joiner = await destination.openJoiner({
    ...destination.layout,
    output: file === null ? (target.kind === 'stream' ? target.stream : '') : file.partPath,
    resume: null,
    // Sized by the whole window: there is no fragment list to plan from.
    expectedDurationMs: input.window.endMs - input.window.startMs,
  });
  try {
    const counts = await joinWindows(input, joiner, spoolDir, context);
    const { bytes } = await joiner.finish();
    if (file !== null) {
      await file.commit();
      await makePublicFileMode(file.finalPath);
      await rm(joinerScratch(file.partPath).journal, { force: true });
    }
    return { parts: [], calls: counts.calls, outputBytes: bytes };
  } catch (error) {
    // The original failure is what the user must see; a joiner that also fails to stop adds nothing.
    await joiner.abort().catch(() => undefined);
    if (file !== null) await file.discard();
    // Nothing here is resumable: the time windows are fetched again by a rerun.
    throw withoutKeptParts(error);
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
}

/** The window loop: fetch, decide (accept, shrink, grow), append the accepted clip; the calls and windows joined. */
async function joinWindows(
  input: TimeWindowsInput,
  joiner: JoinerPort,
  spoolDir: string,
  context: CallContext,
): Promise<{ calls: number; parts: number }> {
  const fallback = timeWindowsFallback(input.window);
  const counts = { calls: 0, parts: 0 };
  for (let current = fallback.first, n = 1; current !== null; n++) {
    const range = current;
    const path = `${spoolDir}/${range.startMs}-${range.endMs}.mp4`;
    const outcome = await fetchWindowBody(range, n, path, input, context, () => counts.calls++);
    const decision = fallback.advance(range, outcome);
    if (decision.accept) {
      if (decision.possiblyTruncated) {
        context.emit({
          type: 'warning',
          code: 'part-truncated',
          message: `GetClip window ${n} may be truncated (near the 100 MB cap at the smallest step)`,
        });
      }
      await joiner.append({ window: range, path, clip: await input.readClip(path) });
      counts.parts++;
    }
    await rm(path, { force: true });
    current = decision.next;
  }
  if (counts.parts === 0) {
    throw new NotFoundError(
      'E_NO_MEDIA',
      `No media in ${formatInstant(input.window.startMs)} → ${formatInstant(input.window.endMs)}`,
    );
  }
  return counts;
}

/** One window's GetClip into `path`, with retries: `fetched` (its size) or `empty` (no media in it). */
function fetchWindowBody(
  range: TimeRange,
  n: number,
  path: string,
  input: TimeWindowsInput,
  context: CallContext,
  countCall: () => void,
): Promise<FallbackOutcome> {
  return withRetry(
    async () => {
      countCall();
      try {
        // Fragments last at least 1 s: a window of N seconds holds at most N of them (the pacer's charge).
        const fragments = Math.max(1, Math.ceil((range.endMs - range.startMs) / 1000));
        await input.kvs.getClip(range, {
          selector: input.selector,
          beforeSend: () => paceGetClip(fragments, context),
          destPath: path,
          signal: context.signal,
          onBytes: () => undefined,
        });
      } catch (error) {
        if (error instanceof NotFoundError && error.code === 'E_NO_MEDIA') return { kind: 'empty' } as const;
        throw error;
      }
      return { kind: 'fetched', sizeBytes: (await stat(path)).size } as const;
    },
    {
      label: `GetClip window ${n} (${formatInstant(range.startMs)})`,
      budget: context.budget,
      random: context.random,
      nowMs: context.nowMs,
      sleep: context.sleep,
      signal: context.signal,
      classify: (error) => input.kvs.classify(error),
      toError: (error) => (error instanceof KvsClipError ? error : input.kvs.toError(error, 'GetClip')),
      onRetry: (notice) => {
        context.stats.retries++;
        context.emit({ type: 'retry', op: 'GetClip', ...notice });
      },
      onThrottle: (error) => context.pacer.noteThrottle(throttleCauseOf(error)),
      refreshEndpoint: () => input.kvs.refreshEndpoint(),
    },
  );
}
