/**
 * Pacing under the per-stream quotas (docs/planning.md, "Quotas, pacing and retries", docs/pipeline.md, "Quotas"), as
 * token buckets charged before each call. Pure: the caller passes the current time and sleeps for the returned number
 * of milliseconds with its injected sleep.
 *
 * Reservations are made at the instant the call will actually start (the latest of all buckets it needs), so
 * concurrent callers queue behind each other instead of all seeing a full bucket. The call spacing is learned
 * (learned-spacing.ts): it starts just over the documented interval, backs off on a throttle and creeps back.
 */
import {
  DEFAULT_SPACING_POLICY,
  backOff,
  creepUp,
  intervalMs,
  rateFactorOf,
  startSpacing,
  type LearnedSpacing,
  type SpacingPolicy,
} from './learned-spacing.js';
import { KVS_QUOTAS, PACING_RATES } from './kvs-quotas.js';

export type PacerOptions = {
  /** GetClip calls per second per stream: the documented hard quota (1 TPS); the learned guard keeps under it. */
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
  /** How the call spacing learns (tests; default DEFAULT_SPACING_POLICY). */
  readonly spacing?: SpacingPolicy;
};

/**
 * What a throttle was about, when the service says so: too many calls, too many fragment-media points, or not known
 * (then both the call spacing and the fragment rate back off).
 */
export type ThrottleCause = 'calls' | 'points' | 'unknown';

/** The quotas themselves (src/download/kvs-quotas.ts), the rates a run paces at. */
export const DEFAULT_PACER_OPTIONS: PacerOptions = {
  getClipPerSecond: KVS_QUOTAS.getClipPerSecond,
  fragmentsPerSecond: PACING_RATES.fragmentsPerSecond,
  listFragmentsPerSecond: KVS_QUOTAS.listFragmentsPerSecond,
};

/** Throttles halve the fragment rate; this floor keeps a throttle storm from stalling a run for minutes per call. */
const MIN_FRAGMENT_FACTOR = 1 / 8;
/** Each call reserved after a fragment throttle gives back this fraction of the fragment rate (×2 in ~14 calls). */
const FRAGMENT_CREEP = 0.05;

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
  /**
   * Call when the reserved wait is over, right before sending: the extra wait so that this call leaves at least one
   * learned interval after the previous one actually left (a timer that fired late, on a busy event loop, must not
   * bring the next call closer); 0 means send now, and the call is recorded as sent.
   */
  confirmGetClip(nowMs: number): number;
  /** Reserves one ListFragments call; returns how long to wait before sending it. */
  reserveListFragments(nowMs: number): number;
  /**
   * Records a GetClip throttle: the call spacing (cause `calls`) or the fragment rate (`points`) backs off, both when
   * the cause is not known, and creeps back with every call reserved after. An unpaced pacer's first throttle turns
   * pacing on at the starting rates instead.
   */
  noteThrottle(cause?: ThrottleCause): void;
  /** Records a ListFragments throttle: the listing spacing backs off (or pacing turns on, unpaced). */
  noteListThrottle(): void;
  /** Current GetClip call rate as a fraction of the quota (just under 1 when learned well), for tests. */
  readonly rateFactor: number;
  /** Current fragment rate as a fraction of `fragmentsPerSecond` (1, 0.5 … 1/8 after throttles). */
  readonly fragmentFactor: number;
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

/** A one-call bucket (no bursts) whose rate follows a learned spacing. */
type SpacedBucket = { readonly bucket: Bucket; readonly spacing: LearnedSpacing };

function spacedBucket(perSecond: number, policy: SpacingPolicy, nowMs: number): SpacedBucket {
  const spacing = startSpacing(perSecond, policy);
  return { bucket: { ratePerMs: 1 / intervalMs(spacing), capacity: 1, tokens: 1, atMs: nowMs }, spacing };
}

/** Reserves one call on a spaced bucket: the instant it may start, charged; the spacing creeps back afterwards. */
function reserveSpaced(s: SpacedBucket, atLeastMs: number, policy: SpacingPolicy): number {
  const at = earliest(s.bucket, 1, atLeastMs);
  charge(s.bucket, 1, at);
  creepUp(s.spacing, policy);
  s.bucket.ratePerMs = 1 / intervalMs(s.spacing);
  return at;
}

function throttled(s: SpacedBucket, policy: SpacingPolicy): void {
  backOff(s.spacing, policy);
  s.bucket.ratePerMs = 1 / intervalMs(s.spacing);
}

/**
 * Creates the pacer for one stream. A GetClip call needs one call token and `fragments` fragment tokens (a call
 * larger than the fragment bucket waits for a full bucket and leaves a debt). Never throws.
 */
export function createPacer(options: PacerOptions, startMs: number): Pacer {
  const policy = options.spacing ?? DEFAULT_SPACING_POLICY;
  // Capacity 1 call: no bursts, so two calls are never closer than the learned interval (a hard per-stream quota).
  const getClip = spacedBucket(options.getClipPerSecond, policy, startMs);
  const listFragments = spacedBucket(options.listFragmentsPerSecond, policy, startMs);
  const fragments = bucket(options.fragmentsPerSecond, options.fragmentsPerSecond, startMs);
  let fragmentFactor = 1;
  const setFragmentFactor = (factor: number): void => {
    fragmentFactor = Math.min(1, Math.max(MIN_FRAGMENT_FACTOR, factor));
    fragments.ratePerMs = (options.fragmentsPerSecond * fragmentFactor) / 1000;
  };
  // Unpaced reservations charge nothing: when pacing starts, the buckets are full, as for a fresh run.
  let paced = options.unpacedUntilThrottle !== true;
  let lastGetClipSentMs = Number.NEGATIVE_INFINITY;
  return {
    reserveGetClip(count, nowMs) {
      if (!paced) return 0;
      const need = Math.min(count, fragments.capacity);
      const at = reserveSpaced(getClip, earliest(fragments, need, nowMs), policy);
      charge(fragments, count, at);
      if (fragmentFactor < 1) setFragmentFactor(fragmentFactor * (1 + FRAGMENT_CREEP));
      return at - nowMs;
    },
    confirmGetClip(nowMs) {
      const due = lastGetClipSentMs + intervalMs(getClip.spacing);
      if (paced && nowMs < due) return Math.ceil(due - nowMs);
      lastGetClipSentMs = nowMs;
      return 0;
    },
    reserveListFragments(nowMs) {
      if (!paced) return 0;
      return reserveSpaced(listFragments, nowMs, policy) - nowMs;
    },
    noteThrottle(cause = 'unknown') {
      if (!paced) {
        paced = true;
        return;
      }
      if (cause !== 'points') throttled(getClip, policy);
      if (cause !== 'calls') setFragmentFactor(fragmentFactor / 2);
    },
    noteListThrottle() {
      if (!paced) paced = true;
      else throttled(listFragments, policy);
    },
    get rateFactor() {
      return rateFactorOf(getClip.spacing);
    },
    get fragmentFactor() {
      return fragmentFactor;
    },
    get paced() {
      return paced;
    },
  };
}
