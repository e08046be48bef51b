/**
 * Retry decisions as a pure table (docs/planning.md, "Quotas, pacing and retries"). Which failures are worth another
 * attempt, how long to wait, and when to reload the data endpoint; the loop that sleeps and re-sends lives in
 * with-retry.ts.
 */

/**
 * Why a remote call failed, as far as retrying is concerned.
 * - `throttle`: ClientLimitExceededException or 429 (also slows the pacer down for the rest of the run).
 * - `transient`: 500/502/503/504, InternalFailure, ServiceUnavailable, timeouts.
 * - `connection`: ECONNRESET, ETIMEDOUT, socket hang up, a body aborted mid-stream.
 * - `truncated`: a body shorter than its Content-Length, or an MP4 without a complete `moov`.
 * - `endpoint`: the data endpoint could not be reached or resolved.
 * - `refused-loopback`: nothing listens on a loopback address (an emulator that is not running): one retry, for a
 *   local server that is still starting, then give up rather than back off for most of a minute.
 * - `fatal`: validation, auth, not-found, codec errors and local disk errors: retrying cannot help.
 */
export type RetryClass =
  'throttle' | 'transient' | 'connection' | 'truncated' | 'endpoint' | 'refused-loopback' | 'fatal';

/** Retries a refused loopback connection gets, whatever `--retries` says. */
const LOOPBACK_REFUSED_RETRIES = 1;

export type RetryBudget = {
  /** Retries per call after the first attempt (`--retries`, default 8). */
  readonly retries: number;
  /** Total time one call may spend retrying (`--retry-max-time`, default 10 min, curl semantics). */
  readonly retryMaxTimeMs: number;
  /** Backoff base (1 s) and cap (20 s): delay = random(0, min(cap, base · 2^attempt)). */
  readonly baseMs: number;
  readonly capMs: number;
};

export const DEFAULT_RETRY_BUDGET: RetryBudget = {
  retries: 8,
  retryMaxTimeMs: 10 * 60_000,
  baseMs: 1000,
  capMs: 20_000,
};

export type RetryDecision =
  | { readonly retry: false; readonly reason: 'fatal' | 'retries-exhausted' | 'time-exhausted' }
  | { readonly retry: true; readonly delayMs: number; readonly refreshEndpoint: boolean; readonly throttled: boolean };

export type RetryState = {
  readonly errorClass: RetryClass;
  /** Retries already made for this call (0 after the first failed attempt). */
  readonly retriesSoFar: number;
  /** Time spent on this call since its first attempt started. */
  readonly elapsedMs: number;
};

/** Endpoint reloads are cheap (GetDataEndpoint, 5 TPS) and fix a stale or dead endpoint; only do them when the
 * failure says the connection itself was the problem. */
const REFRESHES_ENDPOINT: Readonly<Record<RetryClass, boolean>> = {
  throttle: false,
  transient: false,
  connection: true,
  truncated: false,
  endpoint: true,
  'refused-loopback': true,
  fatal: false,
};

/**
 * Decides whether to retry one failed call, and after how long. Full jitter, as botocore's standard mode:
 * `random(0, min(cap, base · 2^attempt))`; `random` returns a number in [0, 1) and is injected so tests are exact.
 * The delay is clipped so the call never waits past its `--retry-max-time`. Never throws.
 */
export function decideRetry(state: RetryState, options: { budget: RetryBudget; random: () => number }): RetryDecision {
  const { budget, random } = options;
  if (state.errorClass === 'fatal') return { retry: false, reason: 'fatal' };
  const retries =
    state.errorClass === 'refused-loopback' ? Math.min(budget.retries, LOOPBACK_REFUSED_RETRIES) : budget.retries;
  if (state.retriesSoFar >= retries) return { retry: false, reason: 'retries-exhausted' };
  const remainingMs = budget.retryMaxTimeMs - state.elapsedMs;
  if (remainingMs <= 0) return { retry: false, reason: 'time-exhausted' };
  const ceilingMs = Math.min(budget.capMs, budget.baseMs * 2 ** state.retriesSoFar);
  const delayMs = Math.min(remainingMs, Math.floor(random() * ceilingMs));
  return {
    retry: true,
    delayMs,
    refreshEndpoint: REFRESHES_ENDPOINT[state.errorClass],
    throttled: state.errorClass === 'throttle',
  };
}
