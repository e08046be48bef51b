import type { KvsClipError } from '../errors/kvs-clip-error.js';
import { MediaError } from '../errors/media-error.js';
import { RemoteError } from '../errors/remote-error.js';
import { cancellationOf, sleepUnlessCancelled } from './cancellation.js';
import { describeFailure, failureName } from './describe-failure.js';
import { decideRetry, type RetryBudget, type RetryClass } from './retry-policy.js';

/** What one retry looks like to the user (the `retry` event). */
export type RetryNotice = {
  /** e.g. `GetClip part 3/12`. */
  readonly label: string;
  /** The error's name (`ClientLimitExceededException`, `ECONNRESET`, `TruncatedBody`). */
  readonly errorName: string;
  readonly errorClass: RetryClass;
  /** 1-based number of this retry, and the budget (`--retries`). */
  readonly retry: number;
  readonly retries: number;
  readonly delayMs: number;
  readonly refreshEndpoint: boolean;
  /** yt-dlp style: `GetClip part 3/12: ClientLimitExceededException. Retrying in 2.4 s (2/8)`; socket errors and
   * timeouts in words (`connection refused`, `no answer within 30 s (--read-timeout)`), src/download/describe-failure.ts. */
  readonly message: string;
};

export type WithRetryOptions = {
  /** Names the call in messages: `GetClip part 3/12`, `ListFragments`. */
  readonly label: string;
  readonly budget: RetryBudget;
  readonly random: () => number;
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly signal: AbortSignal;
  /** Retry class of a failure (src/kvs knows the SDK's errors; download code adds its own truncation errors). */
  readonly classify: (error: unknown) => RetryClass;
  /** Turns a fatal failure into the typed error to throw (for example kvs' mapSdkError); typed errors pass through. */
  readonly toError: (error: unknown) => KvsClipError;
  readonly onRetry?: (notice: RetryNotice) => void;
  /** Called on every throttle with the failure (the pacer backs off: throttle-cause.ts says what to slow down). */
  readonly onThrottle?: (error: unknown) => void;
  /** Called before retrying a connection or endpoint failure: reload GetDataEndpoint. */
  readonly refreshEndpoint?: () => Promise<void>;
};

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The one retry loop around every remote call (clients use maxAttempts 1, docs/planning.md, "Quotas, pacing and
 * retries"). `call(attempt)` is sent again after a throttle, 5xx, connection reset or truncated body, with full-jitter
 * backoff, until it succeeds or the `--retries` / `--retry-max-time` budget runs out.
 *
 * Throws: the typed error from `toError` for a fatal failure; RemoteError `E_THROTTLED`/`E_REMOTE` ("… Giving up
 * after 8 retries") when the budget is spent; the cancellation error (CancelledError) promptly once `signal` fires.
 */
export async function withRetry<T>(call: (attempt: number) => Promise<T>, options: WithRetryOptions): Promise<T> {
  const { label, budget, signal } = options;
  const startedMs = options.nowMs();
  let refresh = false;
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) throw cancellationOf(signal);
    let failure: unknown;
    try {
      // A failed endpoint reload counts as a failed attempt of the call itself, judged by the same policy.
      if (refresh && options.refreshEndpoint !== undefined) await options.refreshEndpoint();
      return await call(attempt);
    } catch (error) {
      failure = error;
    }
    if (signal.aborted) throw cancellationOf(signal);
    const errorClass = options.classify(failure);
    const decision = decideRetry(
      { errorClass, retriesSoFar: attempt, elapsedMs: options.nowMs() - startedMs },
      { budget, random: options.random },
    );
    if (!decision.retry) {
      if (decision.reason === 'fatal') throw options.toError(failure);
      // A body that keeps failing to parse is a media problem (exit 6), not a network one.
      if (failure instanceof MediaError) throw failure;
      const throttled = errorClass === 'throttle';
      throw new RemoteError(
        throttled ? 'E_THROTTLED' : 'E_REMOTE',
        `${label}: ${describeFailure(failure)}. Giving up after ${attempt} ${attempt === 1 ? 'retry' : 'retries'}`,
        {
          cause: failure,
          hint: throttled
            ? 'The stream is busy (viewers share its quota): run again later, or lower --fragment-rate'
            : 'Run the same command again later: finished parts are kept and not downloaded again',
        },
      );
    }
    if (decision.throttled) options.onThrottle?.(failure);
    const retry = attempt + 1;
    options.onRetry?.({
      label,
      errorName: failureName(failure),
      errorClass,
      retry,
      retries: budget.retries,
      delayMs: decision.delayMs,
      refreshEndpoint: decision.refreshEndpoint,
      message: `${label}: ${describeFailure(failure)}. Retrying in ${formatSeconds(decision.delayMs)} (${retry}/${budget.retries})`,
    });
    await sleepUnlessCancelled(decision.delayMs, { sleep: options.sleep, signal });
    refresh = decision.refreshEndpoint;
  }
}
