import { PACING_RATES } from '../download/kvs-quotas.js';
import { DEFAULT_RETRY_BUDGET } from '../download/retry-policy.js';

/**
 * The defaults of `kvs-clip get`, defined once: commander's `.default()` in src/cli/commands/get.ts reads these
 * and the use case falls back to them when an option is absent (tests and library callers).
 */
export const GET_DEFAULTS = {
  /** Parts downloaded ahead of the join. */
  concurrency: 2,
  /** Retries per call (the retry budget's own default). */
  retries: DEFAULT_RETRY_BUDGET.retries,
  /** Wall-clock budget of one call's retries. */
  retryMaxTimeMs: DEFAULT_RETRY_BUDGET.retryMaxTimeMs,
  /** Fragments per second GetClip may return for one stream (docs/pipeline.md, "Quotas"). */
  fragmentRate: PACING_RATES.fragmentsPerSecond,
  /** With --state: the newest time left for the next run. */
  settleMs: 60_000,
  format: 'mp4',
  gaps: 'keep',
  faststart: true,
} as const;
