/**
 * Pacing under the per-stream quotas (docs/planning.md, "Quotas, pacing and retries", docs/pipeline.md, "Quotas"), as
 * token buckets charged before each call. Pure: the caller passes the current time and sleeps for the returned number
 * of milliseconds with its injected sleep.
 *
 * Reservations are made at the instant the call will actually start (the latest of all buckets it needs), so
 * concurrent callers queue behind each other instead of all seeing a full bucket.
 */
import { KVS_QUOTAS, PACING_RATES } from './kvs-quotas.js';

export type PacerOptions = {
  /** GetClip calls per second per stream (documented hard quota: 1 TPS). */
  readonly getClipPerSecond: number;
  /** Fragment-media points per second spent by GetClip (`--fragment-rate`, default 250 of the 500 per stream). */
  readonly fragmentsPerSecond: number;
  /** ListFragments calls per second per stream (documented hard quota: 5 TPS). */
  readonly listFragmentsPerSecond: number;
  /**
   * `--no-pacing`: reserve with zero wait until the first throttle, then pace at the rates above (endpoints without
   * KVS quotas: the emulator with --no-quotas, a private endpoint). Default false.
   */
  readonly unpacedUntilThrottle?: boolean;
};

/** The quotas themselves, without the margin a run keeps (src/download/kvs-quotas.ts): for tests of the buckets. */
export const DEFAULT_PACER_OPTIONS: PacerOptions = {
  getClipPerSecond: KVS_QUOTAS.getClipPerSecond,
  fragmentsPerSecond: PACING_RATES.fragmentsPerSecond,
  listFragmentsPerSecond: KVS_QUOTAS.listFragmentsPerSecond,
};

/** Throttles halve the GetClip rates; this floor keeps a throttle storm from stalling a run for minutes per call. */
const MIN_RATE_FACTOR = 1 / 8;

type Bucket = {
  /** Tokens per millisecond. */
  ratePerMs: number;
  readonly capacity: number;
  tokens: number;
  atMs: number;
};

export type Pacer = {
  /** Reserves one GetClip call of `fragments` fragments; returns how long to wait before sending it. */
  reserveGetClip(fragments: number, nowMs: number): number;
  /** Reserves one ListFragments call; returns how long to wait before sending it. */
  reserveListFragments(nowMs: number): number;
  /**
   * Records a throttle: halves the GetClip call and fragment rates for the rest of the run (down to 1/8). An unpaced
   * pacer's first throttle turns pacing on at the full rates instead.
   */
  noteThrottle(): void;
  /** Current GetClip rate factor (1, 0.5, 0.25 …), for the summary and tests. */
  readonly rateFactor: number;
  /** False while an `unpacedUntilThrottle` pacer has not seen a throttle yet. */
  readonly paced: boolean;
};

function bucket(perSecond: number, capacity: number, nowMs: number): Bucket {
  return { ratePerMs: perSecond / 1000, capacity, tokens: capacity, atMs: nowMs };
}

function refill(b: Bucket, atMs: number): number {
  if (atMs <= b.atMs) return b.tokens;
  return Math.min(b.capacity, b.tokens + (atMs - b.atMs) * b.ratePerMs);
}

/** Earliest instant ≥ nowMs at which the bucket holds `need` tokens (a debt is paid back at the fill rate). */
function earliest(b: Bucket, need: number, nowMs: number): number {
  const from = Math.max(nowMs, b.atMs);
  const have = refill(b, from);
  if (have >= need) return from;
  return from + Math.ceil((need - have) / b.ratePerMs);
}

function charge(b: Bucket, cost: number, atMs: number): void {
  b.tokens = refill(b, atMs) - cost;
  b.atMs = atMs;
}

/**
 * Creates the pacer for one stream. A GetClip call needs one call token and `fragments` fragment tokens (a call
 * larger than the fragment bucket waits for a full bucket and leaves a debt). Never throws.
 */
export function createPacer(options: PacerOptions, startMs: number): Pacer {
  // Capacity 1 call: no bursts, so two calls are never closer than 1/rate apart (a hard per-stream quota).
  const getClip = bucket(options.getClipPerSecond, 1, startMs);
  const fragments = bucket(options.fragmentsPerSecond, options.fragmentsPerSecond, startMs);
  const listFragments = bucket(options.listFragmentsPerSecond, 1, startMs);
  let factor = 1;
  // Unpaced reservations charge nothing: when pacing starts, the buckets are full, as for a fresh run.
  let paced = options.unpacedUntilThrottle !== true;
  return {
    reserveGetClip(count, nowMs) {
      if (!paced) return 0;
      const need = Math.min(count, fragments.capacity);
      const at = Math.max(earliest(getClip, 1, nowMs), earliest(fragments, need, nowMs));
      charge(getClip, 1, at);
      charge(fragments, count, at);
      return at - nowMs;
    },
    reserveListFragments(nowMs) {
      if (!paced) return 0;
      const at = earliest(listFragments, 1, nowMs);
      charge(listFragments, 1, at);
      return at - nowMs;
    },
    noteThrottle() {
      if (!paced) {
        paced = true;
        return;
      }
      if (factor <= MIN_RATE_FACTOR) return;
      factor /= 2;
      getClip.ratePerMs = (options.getClipPerSecond * factor) / 1000;
      fragments.ratePerMs = (options.fragmentsPerSecond * factor) / 1000;
    },
    get rateFactor() {
      return factor;
    },
    get paced() {
      return paced;
    },
  };
}
