/**
 * The download scheduler of a listed get (docs/pipeline.md): parts fetched `concurrency` at a time and handed to the
 * consumer strictly in order, with re-planning of truncated or rejected parts. Long (over 300 lines): about 130 lines
 * are the documented option and result types, and the scheduler, the head hand-off and the per-part fetch share one
 * Context and the slot queue's invariants. The attempt and what replaces a part after it (fetchAttempt, attemptOnce,
 * replacedAfter, relistAfter) are the natural next piece to move into a file of its own.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { KvsClipError } from '../errors/kvs-clip-error.js';
import { MediaError } from '../errors/media-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { Writable } from 'node:stream';
import type { ByteSource, Clip } from '../mp4/model.js';
import type { LostFragments } from '../plan/lost-fragments.js';
import type { Part } from '../plan/part.js';
import { cancellationOf, throwIfCancelled } from './cancellation.js';
import type { EventSink } from './events.js';
import type { RetryBudget, RetryClass } from './retry-policy.js';
import {
  codecChangeOf,
  isShortOfPlan,
  unsplittableCodecChange,
  type AttemptOutcome,
  type CodecChange,
  type Truncated,
} from './attempt-outcome.js';
import { clipDurationMs, looksLikeMp4, NotMp4BodyError, UnreadableClipError } from './clip-checks.js';
import type { PartBody } from './part-body.js';
import { keepHeapHeadroom } from '../runtime/heap-headroom.js';
import { streamPart } from './stream-part.js';
import { withRetry } from './with-retry.js';
import { count } from '../text/count.js';

/**
 * What one GetClip call reports about the file it wrote: its size and SHA-256 (lowercase hex), computed while the body
 * streamed to disk (the spool file is not read back to hash it), and the service's request ID when it sent one. No
 * SHA-256 when the body went to the caller's `open` sink instead (it hashes what it spools itself).
 */
export type ClipCallFacts = {
  readonly requestId?: string | undefined;
  readonly sizeBytes: number;
  readonly sha256?: string | undefined;
};

/** A downloaded, checked part, ready for the joiner. */
export type FetchedPart = {
  readonly part: Part;
  /** The spool file holding the clip (only its head when `body` is set). */
  readonly path: string;
  readonly sizeBytes: number;
  /** The spool file's SHA-256, when the whole clip is in it (a streamed part has none: nothing to reuse). */
  readonly sha256?: string;
  /**
   * The head part still arriving (docs/pipeline.md, "Write once"): read it from here, not from `path`, then wait for
   * `complete` before counting the part as joined.
   */
  readonly body?: PartBody;
  readonly complete?: Promise<unknown>;
  readonly clip: Clip;
  /** Taken from a previous run's spool file instead of the network. */
  readonly resumed: boolean;
  /** Request ID of the GetClip that succeeded (not for a resumed part). */
  readonly requestId?: string;
};

/** What a truncated or rejected part turns into (a port filled from src/plan by run-get). */
export type PartReplanner = {
  /**
   * The response held only `receivedMs` of the part's media: the parts that replace it (refetched in order; the
   * first is the received prefix), or null when nothing is actually missing.
   */
  afterTruncation(part: Part, receivedMs: number): readonly Part[] | null;
  /** A truncation was the service's caps: lowers the limits {@link recut} applies from then on to what `received` held. */
  learnFrom(received: Part): void;
  /**
   * After a short clip, the part's range listed again: when fragments it planned are gone (aged out of retention
   * between listing and GetClip), the parts that now cover the range and what was lost; null when all are still
   * listed, so the clip was cut by the service.
   */
  agedOut(part: Part): Promise<{ readonly parts: readonly Part[]; readonly lost: LostFragments } | null>;
  /** A part not yet requested, cut again under the limits learned from truncations ([part] when it fits). */
  recut(part: Part): readonly Part[];
  /** Two halves of a multi-fragment part (GetClip rejected a codec change inside it); null for one fragment. */
  bisect(part: Part): readonly Part[] | null;
  /** The part's range listed again after a 404: the parts that replace it (empty: its fragments are gone). */
  relist(part: Part): Promise<readonly Part[]>;
};

export type FetchPartsOptions = {
  readonly parts: readonly Part[];
  /** Parts downloading at once, ahead of the joiner (`--concurrency`, default 2). */
  readonly concurrency: number;
  /**
   * Streams one GetClip body to `destPath` (Content-Length checked), hashing it on the way; rejects with the call's
   * typed error (a codec rejection among them: that one becomes an outcome, attempt-outcome.ts).
   */
  readonly getClip: (
    part: Part,
    options: {
      destPath: string;
      signal: AbortSignal;
      onBytes: (bytes: number) => void;
      open?: (contentLength: number | undefined) => Writable;
    },
  ) => Promise<ClipCallFacts>;
  /**
   * Stream the part at the head of the line into `consume` while it arrives, instead of spooling it whole first
   * (docs/pipeline.md, "Write once"). Only for a consumer that can roll back a part whose body fails midway.
   */
  readonly streamHead?: {
    /** Parses a clip from a body still arriving (its reads wait for the bytes). */
    readonly readClip: (source: ByteSource) => Promise<Clip>;
    /** Returns the consumer to its last checkpoint (the failed part is then fetched again, spooled). */
    readonly rollback: () => Promise<void>;
    /**
     * Bytes of the head body held in memory ahead of the consumer before the socket is pushed back (default
     * part-body.ts' STREAM_CAP_BYTES): with a small cap the call lasts until the consumer has nearly all of it.
     */
    readonly memoryCapBytes?: number;
  };
  /** Parses a spooled clip (rejects with MediaError E_MP4_PARSE when the `moov` is incomplete). */
  readonly readClip: (path: string) => Promise<Clip>;
  /** Spool file of a part (owner-only, beside the output). Stable per part range, so a rerun finds it. */
  readonly spoolPathFor: (part: Part) => string;
  /** Spool files a previous run finished, by path: reused when size and sha256 still match. */
  readonly finished?: ReadonlyMap<string, { readonly sizeBytes: number; readonly sha256: string }>;
  readonly replanner: PartReplanner;
  /** Hands parts to the joiner strictly in order; the spool file may be deleted once this resolves. */
  readonly consume: (fetched: FetchedPart, position: { index: number; count: number }) => Promise<void>;
  /** Called when a part finished downloading (out of order), to record it in the resume manifest. */
  readonly onDownloaded?: (fetched: FetchedPart) => Promise<void>;
  /** Called when the plan changed (truncation, bisect, re-list): the parts from the head of the queue onward. */
  readonly onReplan?: (remaining: readonly Part[]) => Promise<void>;
  /**
   * Called on every throttled GetClip (the run's pacer slows down). Pacing itself is not fetchParts' business: the
   * caller's `getClip` runs its own `beforeSend` hook right before the request leaves (docs/pipeline.md, "KvsPort").
   */
  readonly onThrottle: (error: unknown) => void;
  readonly budget: RetryBudget;
  readonly classify: (error: unknown) => RetryClass;
  readonly toError: (error: unknown) => KvsClipError;
  readonly refreshEndpoint?: () => Promise<void>;
  readonly random: () => number;
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly signal: AbortSignal;
  readonly emit: EventSink;
  /** Parts already committed by a previous run: display numbering starts after them. */
  readonly indexOffset?: number;
};

export type FetchPartsResult = {
  /** The parts actually fetched, in order (after re-plans). */
  readonly parts: readonly Part[];
  readonly downloadedBytes: number;
  readonly retries: number;
  readonly calls: number;
};

type Outcome =
  | { readonly kind: 'fetched'; readonly fetched: FetchedPart }
  | { readonly kind: 'replaced'; readonly parts: readonly Part[]; readonly truncated: boolean };

type Slot = { readonly part: Part; outcome?: Promise<Outcome>; readonly head: Deferred };

type Deferred = { readonly promise: Promise<void>; readonly resolve: () => void };

function slotOf(part: Part): Slot {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { part, head: { promise, resolve } };
}

/** Reads a previous run's spool file back to check it before reuse (a fresh download is hashed as it streams). */
async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/**
 * Downloads planned parts with `concurrency` calls in flight, paced under the per-stream quotas, each streamed to a
 * spool file and checked (Content-Length by the client, a complete `moov`, and the media duration against the plan),
 * then hands them to `consume` strictly in order. A truncated part is re-planned, a part GetClip rejects for a codec
 * change is bisected, a 404 for a planned part is re-listed once.
 *
 * Throws: RemoteError after retries, MediaError (codec problem in a single fragment, or a body that never parses),
 * the typed error of any fatal failure, the cancellation error once `signal` fires; whatever `consume` throws.
 * On failure, finished spool files stay for resume.
 */
export async function fetchParts(options: FetchPartsOptions): Promise<FetchPartsResult> {
  // The abort listener below never fires for a signal that is already aborted.
  throwIfCancelled(options.signal);
  const inner = new AbortController();
  const onOuterAbort = (): void => inner.abort(options.signal.reason);
  options.signal.addEventListener('abort', onOuterAbort, { once: true });
  const queue: Slot[] = options.parts.map(slotOf);
  const done: Part[] = [];
  const stats = { downloadedBytes: 0, retries: 0, calls: 0 };
  const offset = options.indexOffset ?? 0;
  const position = (part: Part): { index: number; count: number } => {
    const at = queue.findIndex((slot) => slot.part === part);
    return { index: offset + done.length + Math.max(0, at), count: offset + done.length + queue.length };
  };
  const context: Context = {
    options,
    signal: inner.signal,
    stats,
    position,
    nextInLine: (part) => {
      const at = queue.findIndex((slot) => slot.part === part);
      return at >= 0 && at <= 1;
    },
    relisted: new WeakSet<Part>(),
    warnedOnce: new Set<string>(),
  };
  try {
    while (queue.length > 0) {
      for (const slot of queue.slice(0, Math.max(1, options.concurrency))) {
        if (slot.outcome === undefined) {
          slot.outcome = fetchOne(slot.part, context, slot.head.promise);
          // A part ahead that fails surfaces when it reaches the head (the parts before it still get committed for
          // resume); this only marks the rejection as handled meanwhile.
          slot.outcome.catch(markHandled);
        }
      }
      const head = queue[0];
      if (head?.outcome === undefined) break;
      head.head.resolve();
      const outcome = await head.outcome;
      if (outcome.kind === 'replaced') {
        queue.splice(0, 1, ...outcome.parts.map(slotOf));
        // The caps evidently bind below the plan: cut the parts not yet requested the same way, so each of them
        // does not need a truncated call of its own first.
        if (outcome.truncated) {
          for (let i = queue.length - 1; i >= outcome.parts.length; i--) {
            const slot = queue[i];
            if (slot?.outcome === undefined && slot !== undefined)
              queue.splice(i, 1, ...options.replanner.recut(slot.part).map(slotOf));
          }
        }
        await options.onReplan?.(queue.map((slot) => slot.part));
        continue;
      }
      const at = { index: offset + done.length, count: offset + done.length + queue.length };
      if (!(await consumeHead(outcome.fetched, at, context))) {
        // Streamed, failed midway, rolled back: fetch it again, spooled whole this time.
        head.outcome = fetchOne(head.part, context);
        head.outcome.catch(markHandled);
        continue;
      }
      done.push(outcome.fetched.part);
      queue.shift();
    }
  } catch (error) {
    inner.abort(error);
    // Let the downloads ahead settle (their spool files stay for resume) before reporting.
    await Promise.allSettled(queue.flatMap((slot) => (slot.outcome === undefined ? [] : [slot.outcome])));
    if (options.signal.aborted) throw cancellationOf(options.signal);
    throw error;
  } finally {
    options.signal.removeEventListener('abort', onOuterAbort);
  }
  return { parts: done, ...stats };
}

type Context = {
  readonly options: FetchPartsOptions;
  readonly signal: AbortSignal;
  readonly stats: { downloadedBytes: number; retries: number; calls: number };
  readonly position: (part: Part) => { index: number; count: number };
  /** Whether `part` is the head or the one right behind it (only that one holds its body back in memory). */
  readonly nextInLine: (part: Part) => boolean;
  /** Parts that came from a re-list: a second 404 for them is final (re-list once, then report). */
  readonly relisted: WeakSet<Part>;
  /** Warning codes said once per run (a codec change is found by splitting a part several times over). */
  readonly warnedOnce: Set<string>;
};

async function reuseSpool(part: Part, path: string, options: FetchPartsOptions): Promise<FetchedPart | null> {
  const known = options.finished?.get(path);
  if (known === undefined) return null;
  const size = await stat(path).then(
    (s) => s.size,
    () => -1,
  );
  if (size !== known.sizeBytes || (await sha256Of(path)) !== known.sha256) return null;
  const clip = await options.readClip(path);
  return { part, path, sizeBytes: size, sha256: known.sha256, clip, resumed: true };
}

/**
 * The part at the head: streamed ones are read from their body while it arrives (then `complete` is awaited by the
 * consumer). Resolves false when a streamed body failed midway and the consumer was rolled back to its last
 * checkpoint: the caller fetches the part again. Throws whatever `consume` throws otherwise.
 */
async function consumeHead(
  fetched: FetchedPart,
  at: { index: number; count: number },
  context: Context,
): Promise<boolean> {
  const { options } = context;
  const body = fetched.body;
  const streamHead = options.streamHead;
  if (body === undefined || streamHead === undefined) {
    await options.consume(fetched, at);
    return true;
  }
  body.stream();
  try {
    await options.consume(fetched, at);
    // Only now is the streamed part downloaded (and joined): its part-done comes after the body's end.
    const facts = (await fetched.complete) as ClipCallFacts | undefined;
    const requestId = facts?.requestId;
    options.emit({
      type: 'part-done',
      ...at,
      part: fetched.part,
      bytes: fetched.sizeBytes,
      resumed: false,
      ...(requestId === undefined ? {} : { requestId }),
    });
    return true;
  } catch (error) {
    if (!body.failed || context.signal.aborted) throw error;
    // The call's own (typed) error says why the body broke off; the joiner only saw a read that failed.
    const cause: unknown = await (fetched.complete ?? Promise.resolve()).then(
      () => error,
      (failure: unknown) => failure,
    );
    if (classify(cause, options) === 'fatal') throw cause instanceof KvsClipError ? cause : options.toError(cause);
    await streamHead.rollback();
    context.stats.retries++;
    const label = `GetClip part ${at.index + 1}/${at.count}`;
    const errorName = cause instanceof Error ? cause.name : typeof cause;
    options.emit({
      type: 'retry',
      op: 'GetClip',
      index: at.index,
      errorName,
      errorClass: classify(cause, options),
      retry: 1,
      retries: options.budget.retries,
      delayMs: 0,
      refreshEndpoint: false,
      message: `${label}: ${errorName} while joining it. Fetching it again from the last checkpoint`,
    });
    return false;
  } finally {
    await body.close();
  }
}

async function fetchOne(part: Part, context: Context, head?: Promise<void>): Promise<Outcome> {
  const { options, signal } = context;
  const path = options.spoolPathFor(part);
  const reused = await reuseSpool(part, path, options);
  if (reused !== null) {
    const { index, count } = context.position(part);
    options.emit({
      type: 'part-done',
      index,
      count,
      part,
      bytes: reused.sizeBytes,
      ...(reused.sha256 === undefined ? {} : { sha256: reused.sha256 }),
      resumed: true,
    });
    await options.onDownloaded?.(reused);
    return { kind: 'fetched', fetched: reused };
  }
  try {
    const attempt = await withRetry((n) => fetchAttempt(part, context, n, head), {
      label: `GetClip part ${context.position(part).index + 1}/${context.position(part).count}`,
      budget: options.budget,
      random: options.random,
      nowMs: options.nowMs,
      sleep: options.sleep,
      signal,
      classify: (error) => classify(error, options),
      toError: (error) => (error instanceof KvsClipError ? error : options.toError(error)),
      onRetry: (notice) => {
        context.stats.retries++;
        const { index } = context.position(part);
        options.emit({ type: 'retry', op: 'GetClip', index, ...notice });
      },
      onThrottle: options.onThrottle,
      ...(options.refreshEndpoint === undefined ? {} : { refreshEndpoint: options.refreshEndpoint }),
    });
    if (attempt.kind !== 'fetched') return await replacedAfter(part, attempt, context);
    const fetched = attempt.fetched;
    // A streamed part is done once the joiner has it (consumeHead); only a clip spooled whole can be reused later.
    if (fetched.body !== undefined) return { kind: 'fetched', fetched };
    const { index, count } = context.position(part);
    options.emit({
      type: 'part-done',
      index,
      count,
      part,
      bytes: fetched.sizeBytes,
      ...(fetched.sha256 === undefined ? {} : { sha256: fetched.sha256 }),
      resumed: false,
      ...(fetched.requestId === undefined ? {} : { requestId: fetched.requestId }),
    });
    await options.onDownloaded?.(fetched);
    return { kind: 'fetched', fetched };
  } catch (error) {
    if (signal.aborted) throw error;
    const replaced = await relistAfter(part, error, context);
    if (replaced === null) throw error;
    await rm(path, { force: true });
    return { kind: 'replaced', parts: replaced, truncated: false };
  }
}

/**
 * One GetClip attempt of `part`: streamed into a body when the consumer takes the head part as it arrives and `head`
 * is given, else spooled to its file whole and parsed there. Returns the fetched part, or the truncation or codec
 * change to re-plan (attempt-outcome.ts); throws what the call throws otherwise, or a mapped parse failure.
 */
async function fetchAttempt(
  part: Part,
  context: Context,
  attempt: number,
  head: Promise<void> | undefined,
): Promise<AttemptOutcome<FetchedPart>> {
  try {
    return await attemptOnce(part, context, attempt, head);
  } catch (error) {
    const codecChange = codecChangeOf(error);
    if (codecChange === null) throw error;
    return codecChange;
  }
}

async function attemptOnce(
  part: Part,
  context: Context,
  attempt: number,
  head: Promise<void> | undefined,
): Promise<AttemptOutcome<FetchedPart>> {
  const { options, signal, stats } = context;
  const path = options.spoolPathFor(part);
  const { index, count } = context.position(part);
  options.emit({ type: 'part-start', index, count, part, attempt });
  stats.calls++;
  keepHeapHeadroom(part.sizeBytes);
  let received = 0;
  const onBytes = (bytes: number): void => {
    received += bytes;
    stats.downloadedBytes += bytes;
    options.emit({ type: 'part-bytes', index, count, bytes: received, totalBytes: stats.downloadedBytes });
  };
  const check = (clip: Clip): Truncated | null => truncationOf(part, clip, options.replanner);
  if (head !== undefined && options.streamHead !== undefined) {
    const { readClip, memoryCapBytes } = options.streamHead;
    const parseFailure = (error: unknown): Promise<never> => mapReadFailure(error, path);
    const hold = context.nextInLine(part);
    const cap = memoryCapBytes === undefined ? {} : { streamCapBytes: memoryCapBytes };
    const io = { getClip: options.getClip, readClip, check, parseFailure, path, hold, signal, onBytes, ...cap };
    const got = await streamPart(part, io, head);
    if (got.kind === 'truncated') return got;
    if (got.kind === 'spooled')
      return fetchedOf({ part, path, clip: got.clip, resumed: false, ...definedFacts(got.facts) });
    const facts = { sizeBytes: got.body.size, body: got.body, complete: got.complete };
    return fetchedOf({ part, path, clip: got.clip, resumed: false, ...facts });
  }
  const facts = await options.getClip(part, { destPath: path, signal, onBytes });
  const clip = await options.readClip(path).catch((error: unknown) => mapReadFailure(error, path));
  return check(clip) ?? fetchedOf({ part, path, clip, resumed: false, ...definedFacts(facts) });
}

function fetchedOf(fetched: FetchedPart): AttemptOutcome<FetchedPart> {
  return { kind: 'fetched', fetched };
}

function definedFacts(facts: ClipCallFacts): { sizeBytes: number; sha256?: string; requestId?: string } {
  return {
    sizeBytes: facts.sizeBytes,
    ...(facts.sha256 === undefined ? {} : { sha256: facts.sha256 }),
    ...(facts.requestId === undefined ? {} : { requestId: facts.requestId }),
  };
}

/** A parse failure of a finished body: not an MP4 at all, a codec the joiner cannot take, or what it was. */
async function mapReadFailure(error: unknown, path: string): Promise<never> {
  if (error instanceof MediaError && error.code === 'E_MP4_PARSE') await assertMp4Body(path);
  throw error instanceof MediaError && error.code === 'E_MEDIA_UNSUPPORTED' ? new UnreadableClipError(error) : error;
}

/**
 * The truncation when the clip falls short of the plan (GetClip cuts at 100 MB / 200 fragments silently) and the
 * replanner finds something actually missing, else null: the clip is the part.
 */
function truncationOf(part: Part, clip: Clip, replanner: PartReplanner): Truncated | null {
  const receivedMs = clipDurationMs(clip);
  if (!isShortOfPlan(part, receivedMs)) return null;
  const replacement = replanner.afterTruncation(part, receivedMs);
  return replacement === null ? null : { kind: 'truncated', receivedMs, replacement };
}

/**
 * The parts that replace a truncated part (the rest re-planned) or a codec change (two halves), with the warning
 * that says so; the part's spool file is removed. Throws the rejection when a codec change cannot be split (one
 * fragment): `E_CODEC_CHANGE`, or what GetClip said.
 */
async function replacedAfter(part: Part, outcome: Truncated | CodecChange, context: Context): Promise<Outcome> {
  const { options } = context;
  const label = `Part ${context.position(part).index + 1}`;
  let parts: readonly Part[];
  if (outcome.kind === 'truncated') {
    // A short clip at the retention edge lost its head, not its tail: re-planned from what is still there.
    const aged = await options.replanner.agedOut(part);
    if (aged !== null) return agedOutcome(part, aged, context);
    parts = outcome.replacement;
    if (parts[0] !== undefined) options.replanner.learnFrom(parts[0]);
    options.emit({
      type: 'warning',
      code: 'part-truncated',
      message: `${label}: GetClip returned ${(outcome.receivedMs / 1000).toFixed(1)} s of ${(part.mediaDurationMs / 1000).toFixed(1)} s planned; re-planned as ${count(parts.length, 'part')}`,
    });
  } else {
    const halves = options.replanner.bisect(part);
    if (halves === null) throw unsplittableCodecChange(label, part, outcome.rejection);
    parts = halves;
    // Finding the change takes several splits (and each half may be retried): one line says it, not one per split.
    if (!context.warnedOnce.has('part-bisected')) {
      context.warnedOnce.add('part-bisected');
      options.emit({
        type: 'warning',
        code: 'part-bisected',
        message: `${label}: GetClip rejected a codec change inside the part; splitting it until each call holds one codec configuration`,
      });
    }
  }
  await rm(options.spoolPathFor(part), { force: true });
  return { kind: 'replaced', parts, truncated: outcome.kind === 'truncated' };
}

/** The parts that replace a part whose fragments aged out in part, with the gap and warning that say so. */
async function agedOutcome(
  part: Part,
  aged: { readonly parts: readonly Part[]; readonly lost: LostFragments },
  context: Context,
): Promise<Outcome> {
  const { options } = context;
  const label = `Part ${context.position(part).index + 1}`;
  const { count: lost, startMs, endMs } = aged.lost;
  const what = `${count(lost, 'fragment')} aged out of the stream's retention since the listing`;
  options.emit({ type: 'gap', startMs, endMs, durationMs: endMs - startMs, message: `${label}: ${what}` });
  options.emit({
    type: 'warning',
    code: 'part-aged-out',
    message: `${label}: ${what}; re-planned the rest as ${count(aged.parts.length, 'part')}`,
  });
  await rm(options.spoolPathFor(part), { force: true });
  return { kind: 'replaced', parts: aged.parts, truncated: false };
}

/** The parts that replace a part GetClip found no fragments for (listed again once), or null when the failure is final. */
async function relistAfter(part: Part, error: unknown, context: Context): Promise<readonly Part[] | null> {
  const { options } = context;
  const label = `Part ${context.position(part).index + 1}`;
  if (error instanceof NotFoundError && error.code === 'E_NO_MEDIA' && !context.relisted.has(part)) {
    const parts = await options.replanner.relist(part);
    for (const p of parts) context.relisted.add(p);
    if (parts.length === 0) {
      const { mediaStartMs: startMs, mediaEndMs: endMs } = part;
      options.emit({
        type: 'gap',
        startMs,
        endMs,
        durationMs: endMs - startMs,
        message: `${label}: no fragments any more`,
      });
    }
    options.emit({
      type: 'warning',
      code: 'part-relisted',
      message:
        parts.length === 0
          ? `${label}: its fragments are no longer available (past retention?); skipped`
          : `${label}: GetClip found no fragments; listed the range again and re-planned it as ${count(parts.length, 'part')}`,
    });
    return parts;
  }
  return null;
}

/** Throws NotMp4BodyError when the spooled body does not even start like an MP4. */
async function assertMp4Body(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = new Uint8Array(16);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (!looksLikeMp4(head.subarray(0, bytesRead))) throw new NotMp4BodyError(size, head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

function markHandled(): void {
  // Intentionally empty: the rejection is observed later by the in-order consumer loop.
}

/** Retry class of a failed GetClip attempt: an unparsable body is a truncated one (retried), a body that is not an MP4
 * at all is final. (A body that parsed but holds less media than planned is an outcome, never a failure.) */
function classify(error: unknown, options: FetchPartsOptions): RetryClass {
  if (error instanceof NotMp4BodyError) return 'fatal';
  if (error instanceof MediaError && error.code === 'E_MP4_PARSE') return 'truncated';
  return options.classify(error);
}
