import type { TimeRange } from './fragment.js';

/** One GetClip request of the fallback: `[startMs, endMs]` inclusive, and the step it was sized with. */
export type FallbackWindow = { readonly startMs: number; readonly endMs: number; readonly stepMs: number };

/**
 * What the GetClip call for a window gave: `empty` for a 404 "no fragments" (nothing there, move on); `fetched` with
 * the body size; `truncated` when the caller knows the body was cut short by the service's caps.
 */
export type FallbackOutcome =
  | { readonly kind: 'empty' }
  | { readonly kind: 'fetched'; readonly sizeBytes: number }
  | { readonly kind: 'truncated' };

/** What to do after one fallback request. */
export type FallbackDecision = {
  /**
   * Keep this window's body. False for `empty` (nothing to keep) and for a truncated body, which is discarded:
   * `next` then has the same start and a smaller step.
   */
  readonly accept: boolean;
  /** Set when a body was kept although it may be truncated (the step could not shrink further): warn. */
  readonly possiblyTruncated: boolean;
  /** The next request, or null when the window is done. */
  readonly next: FallbackWindow | null;
};

/** Step sizes and the body sizes that shrink or grow them. */
export type FallbackOptions = {
  /** First step (default 180 s, the AWS long-clip sample's window). */
  readonly stepMs?: number;
  /** Smallest step (default 1 s: fragments last ≥ 1 s, so a 1 s window holds one fragment of ≤ 50 MB). */
  readonly minStepMs?: number;
  /** Largest step (default 200 s: fragments last ≥ 1 s, so the 200-fragment cap can never bind). */
  readonly maxStepMs?: number;
  /** A body at least this large is treated as truncated (default 90 × 10⁶: near the 100 MB cap). */
  readonly truncatedAtBytes?: number;
  /** A body below this grows the next step ×2 (default 30 × 10⁶). */
  readonly growBelowBytes?: number;
};

/** The fallback planner: the first request, then one decision per outcome. */
export type TimeWindowsFallback = {
  /** The first request, or null for an empty window. */
  readonly first: FallbackWindow | null;
  /** Decides what follows the request `current` given its outcome. */
  advance(current: FallbackWindow, outcome: FallbackOutcome): FallbackDecision;
};

/**
 * Plans GetClip calls by time alone, for when ListFragments is denied (NotAuthorized) and no fragment list exists:
 * back-to-back windows `[t, t + step − 1 ms]` (no fragment can start in two of them), halving the step and refetching
 * when a body looks truncated, doubling it when bodies are small. Without a listing there is no `cover` alignment,
 * no gap report and no exact truncation check; the caller warns about that. Pure: the downloader drives it.
 * Throws RangeError for non-positive steps or an empty window (end before start).
 */
export function timeWindowsFallback(window: TimeRange, options: FallbackOptions = {}): TimeWindowsFallback {
  const minStepMs = options.minStepMs ?? 1000;
  const maxStepMs = options.maxStepMs ?? 200_000;
  const stepMs = Math.min(Math.max(options.stepMs ?? 180_000, minStepMs), maxStepMs);
  const truncatedAtBytes = options.truncatedAtBytes ?? 90_000_000;
  const growBelowBytes = options.growBelowBytes ?? 30_000_000;
  if (!(minStepMs > 0) || !(maxStepMs >= minStepMs))
    throw new RangeError(`Invalid fallback steps ${minStepMs}…${maxStepMs} ms`);
  if (window.endMs < window.startMs)
    throw new RangeError(`Window ends before it starts: ${window.startMs} → ${window.endMs}`);

  const windowAt = (startMs: number, step: number): FallbackWindow | null => {
    if (startMs > window.endMs) return null;
    // GetClip needs End > Start; a last 1 ms slot asks one millisecond past the window rather than skip a fragment.
    return { startMs, endMs: Math.max(Math.min(startMs + step - 1, window.endMs), startMs + 1), stepMs: step };
  };

  return {
    first: windowAt(window.startMs, stepMs),
    advance(current, outcome) {
      const truncated =
        outcome.kind === 'truncated' || (outcome.kind === 'fetched' && outcome.sizeBytes >= truncatedAtBytes);
      if (truncated && current.stepMs > minStepMs) {
        return {
          accept: false,
          possiblyTruncated: false,
          next: windowAt(current.startMs, Math.max(minStepMs, Math.floor(current.stepMs / 2))),
        };
      }
      const grow = outcome.kind === 'empty' || (outcome.kind === 'fetched' && outcome.sizeBytes < growBelowBytes);
      const nextStep = grow ? Math.min(maxStepMs, current.stepMs * 2) : current.stepMs;
      return {
        accept: outcome.kind !== 'empty',
        possiblyTruncated: truncated,
        next: windowAt(current.endMs + 1, nextStep),
      };
    },
  };
}
