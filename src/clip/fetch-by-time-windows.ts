import { rm, stat } from 'node:fs/promises';
import { withoutKeptParts } from '../errors/remote-error.js';
import { throttleCauseOf } from '../download/throttle-cause.js';
import { withRetry } from '../download/with-retry.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { KvsClipError } from '../errors/kvs-clip-error.js';
import { openFileSource } from '../mp4/write/file-source.js';
import type { Joiner } from '../mp4/write/join-clips.js';
import type { Clip } from '../mp4/model.js';
import type { Selector, TimeRange } from '../plan/fragment.js';
import { timeWindowsFallback, type FallbackOutcome } from '../plan/time-windows-fallback.js';
import { formatInstant } from '../time/format-instant.js';
import type { JoinLayout } from './join-port.js';
import type { KvsPort } from './kvs-port.js';
import { paceGetClip } from './pace-get-clip.js';
import type { CallContext } from './plan-window.js';
import { makeDirectories } from '../output/make-directories.js';
import { toOutputError } from '../output/to-output-error.js';

export type TimeWindowsInput = {
  readonly window: TimeRange;
  readonly selector: Selector;
  readonly layout: JoinLayout;
  /** The `.part` file (or stream) the join writes. */
  readonly output: string | NodeJS.WritableStream;
  /** Folder for the spooled bodies (removed at the end). */
  readonly spoolDir: string;
  readonly readClip: (path: string) => Promise<Clip>;
  readonly kvs: KvsPort;
};

/**
 * The download without a fragment list (ListFragments denied): back-to-back GetClip windows sized by
 * timeWindowsFallback, each body checked and joined in order, anchored by media duration since no fragment
 * timestamps are known. No gap report, no resume, no exact truncation check (the caller has warned).
 * Throws NotFoundError `E_NO_MEDIA` when no window held media, and whatever the calls or the joiner throw.
 */
export async function fetchByTimeWindows(
  input: TimeWindowsInput,
  context: CallContext,
): Promise<{ calls: number; parts: number; bytes: number }> {
  const fallback = timeWindowsFallback(input.window);
  await makeDirectories(input.spoolDir, { mode: 0o700 }).catch((cause: unknown) => {
    throw toOutputError(cause, input.spoolDir);
  });
  const joiner = await openWindowJoiner(input);
  const counts = { calls: 0, parts: 0 };
  try {
    for (let current = fallback.first, n = 1; current !== null; n++) {
      const range = current;
      const path = `${input.spoolDir}/${range.startMs}-${range.endMs}.mp4`;
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
        await appendWindow(joiner, range, path, input.readClip);
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
    const summary = await joiner.finish();
    return { calls: counts.calls, parts: counts.parts, bytes: summary.bytes };
  } catch (error) {
    // The original failure is what the user must see; a joiner that also fails to stop adds nothing.
    await joiner.abort().catch(() => undefined);
    // Nothing here is resumable: the time windows are fetched again by a rerun.
    throw withoutKeptParts(error);
  } finally {
    await rm(input.spoolDir, { recursive: true, force: true });
  }
}

/** The joiner for the windows, sized by the whole window (no fragment list to plan from). */
async function openWindowJoiner(input: TimeWindowsInput): Promise<Joiner> {
  // Loaded on first use, as open-joiner.ts does: the joiner is most of the modules of a get.
  const { createJoiner } = await import('../mp4/write/join-clips.js');
  return createJoiner({
    output:
      typeof input.output === 'string'
        ? { kind: 'file', path: input.output }
        : { kind: 'stream', stream: input.output },
    format: input.layout.format,
    faststart: input.layout.faststart,
    gaps: input.layout.gaps === 'close' ? 'close' : 'keep',
    expectedDurationMs: input.window.endMs - input.window.startMs,
  });
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

/** Joins one accepted window body, read and checked, then closes it. */
async function appendWindow(
  joiner: Joiner,
  range: TimeRange,
  path: string,
  readClip: (path: string) => Promise<Clip>,
): Promise<void> {
  const clip = await readClip(path);
  const source = await openFileSource(path);
  try {
    await joiner.append({
      source,
      clip,
      name: `window ${formatInstant(range.startMs)}..${formatInstant(range.endMs)}`,
    });
  } finally {
    await source.close();
  }
}
