import type { Writable } from 'node:stream';
import type { ByteSource, Clip } from '../mp4/model.js';
import type { Part } from '../plan/part.js';
import type { Truncated } from './attempt-outcome.js';
import { PartBody } from './part-body.js';

/** What one GetClip call reports when its body went to a caller's sink (no hash: the sink decides). */
type CallFacts = { readonly requestId?: string | undefined; readonly sizeBytes: number };

export type StreamPartIo = {
  readonly getClip: (
    part: Part,
    options: {
      destPath: string;
      signal: AbortSignal;
      onBytes: (bytes: number) => void;
      open: (contentLength: number | undefined) => Writable;
    },
  ) => Promise<CallFacts>;
  readonly readClip: (source: ByteSource) => Promise<Clip>;
  /** The truncation when the clip does not cover the part (to re-plan; the body is then abandoned), else null. */
  readonly check: (clip: Clip) => Truncated | null;
  /** Maps a parse failure of the finished body (not an MP4 at all, an unsupported codec): always throws. */
  readonly parseFailure: (error: unknown) => Promise<never>;
  readonly path: string;
  /** The part is next behind the head: its body holds back in memory instead of spooling (part-body.ts). */
  readonly hold: boolean;
  readonly signal: AbortSignal;
  readonly onBytes: (bytes: number) => void;
  /** Bytes of the body held in memory ahead of the joiner once it streams (default part-body.ts' STREAM_CAP_BYTES). */
  readonly streamCapBytes?: number;
};

/**
 * The outcome of one attempt: spooled whole before the part reached the head, streaming into the joiner, or truncated
 * (nothing kept).
 */
export type StreamedAttempt =
  | Truncated
  | { readonly kind: 'spooled'; readonly clip: Clip; readonly facts: CallFacts & { readonly sha256?: string } }
  | {
      readonly kind: 'streaming';
      readonly clip: Clip;
      readonly body: PartBody;
      /** Settles when the whole body has arrived (Content-Length checked) or rejects with the call's typed error. */
      readonly complete: Promise<CallFacts>;
    };

/**
 * One GetClip attempt into a `PartBody` (docs/pipeline.md, "Write once"): the clip is parsed as soon as its `moov`
 * has arrived and checked against the plan; then, whichever comes first, the body ends (spooled whole, hashed, reusable
 * on resume) or the part reaches the head of the line (`head` resolves) and the caller streams it into the joiner
 * while the rest arrives. A truncated clip (`check`) is returned as such; the call's typed error (retried by the
 * caller) rejects. The body is abandoned in both cases.
 */
export async function streamPart(part: Part, io: StreamPartIo, head: Promise<void>): Promise<StreamedAttempt> {
  const body = new PartBody(io.path, {
    hold: io.hold,
    ...(io.streamCapBytes === undefined ? {} : { streamCapBytes: io.streamCapBytes }),
  });
  const call = new AbortController();
  const onAbort = (): void => call.abort(io.signal.reason);
  io.signal.addEventListener('abort', onAbort, { once: true });
  let opened: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const download = io.getClip(part, {
    destPath: io.path,
    signal: call.signal,
    onBytes: io.onBytes,
    open: (contentLength) => {
      const sink = body.writable(contentLength);
      opened();
      return sink;
    },
  });
  const complete = download.finally(() => io.signal.removeEventListener('abort', onAbort));
  complete.catch(() => undefined);
  try {
    await Promise.race([started, complete]);
    // Without a Content-Length the body can only be read once it has ended.
    if (body.size < 0) await complete;
    const clip = await io.readClip(body).catch(async (error: unknown) => {
      // A short or broken body makes the parse fail too: the call's own error says why.
      await complete;
      return io.parseFailure(error);
    });
    const truncated = io.check(clip);
    if (truncated !== null) {
      await abandon(call, complete, body);
      return truncated;
    }
    const first = await Promise.race([complete.then(() => 'ended' as const), head.then(() => 'head' as const)]);
    if (first === 'head') return { kind: 'streaming', clip, body, complete };
    const facts = await complete;
    const sha256 = body.digest();
    await body.close();
    return { kind: 'spooled', clip, facts: { ...facts, ...(sha256 === undefined ? {} : { sha256 }) } };
  } catch (error) {
    await abandon(call, complete, body, error);
    throw error;
  }
}

/** Stops the call (if still running) and lets it settle, then closes the body. */
async function abandon(
  call: AbortController,
  complete: Promise<unknown>,
  body: PartBody,
  reason?: unknown,
): Promise<void> {
  call.abort(reason);
  await complete.catch(() => undefined);
  await body.close();
}
