/**
 * The spacing between two calls of one operation, learned from throttles (docs/pipeline.md, "Quotas"). Pure.
 *
 * A hard per-second quota (GetClip: 1 call/s) admits two calls whose arrivals are at least `1000 / quota` ms apart.
 * A client reserves a call some time before it arrives (timer lateness, signing, the socket, the service's own
 * clock), and that lag varies, so calls reserved exactly one interval apart sometimes arrive closer. The spacing
 * adds a guard to the documented interval: small at the start, doubled (at least to one step) on each throttle, and
 * shrunk by a fraction on every call that went out since, never below the floor. A long run therefore averages
 * close to the quota, with a throttle only when the guard has crept down to the lag's spread again.
 */

export type SpacingPolicy = {
  /** Guard at the start of a run, ms. */
  readonly initialGuardMs: number;
  /** The guard never creeps below this, ms (arrivals exactly one interval apart are the quota's edge). */
  readonly floorGuardMs: number;
  /** A throttle raises the guard to at least this, ms. */
  readonly stepGuardMs: number;
  /** Fraction of the guard given back per call reserved since the last throttle. */
  readonly creep: number;
  /** The slowest spacing, as a multiple of the documented interval (a throttle storm must not stall a run). */
  readonly maxSlowdown: number;
};

/**
 * The defaults, in absolute milliseconds because the lag they absorb is absolute. For GetClip's 1 call/s: start
 * 2.5 % over the interval, back off to ≥ 5 % on a throttle, give back 0.5 % of the guard per call (halved in about
 * 140 calls, so a run whose lag needs a guard of g sees about one throttle per 140 calls while creeping between g
 * and 2g), and slow down at most 8×. test/download/learned-spacing.test.ts simulates a jittery service.
 */
export const DEFAULT_SPACING_POLICY: SpacingPolicy = {
  initialGuardMs: 25,
  floorGuardMs: 5,
  stepGuardMs: 50,
  creep: 0.005,
  maxSlowdown: 8,
};

export type LearnedSpacing = {
  /** The documented interval, ms (1000 / calls per second). */
  readonly baseMs: number;
  guardMs: number;
};

/** Starts the spacing of an operation whose quota is `perSecond` calls per second. */
export function startSpacing(perSecond: number, policy: SpacingPolicy): LearnedSpacing {
  const baseMs = 1000 / perSecond;
  return { baseMs, guardMs: Math.min(policy.initialGuardMs, maxGuardMs(baseMs, policy)) };
}

function maxGuardMs(baseMs: number, policy: SpacingPolicy): number {
  return baseMs * (policy.maxSlowdown - 1);
}

/** The interval to keep between two reservations now, ms. */
export function intervalMs(spacing: LearnedSpacing): number {
  return spacing.baseMs + spacing.guardMs;
}

/** The rate now as a fraction of the documented rate (1 = at the quota), for the summary and tests. */
export function rateFactorOf(spacing: LearnedSpacing): number {
  return spacing.baseMs / intervalMs(spacing);
}

/** A throttle: double the guard, at least to one step, at most to the slowest spacing. */
export function backOff(spacing: LearnedSpacing, policy: SpacingPolicy): void {
  const raised = Math.max(spacing.guardMs * 2, policy.stepGuardMs);
  spacing.guardMs = Math.min(raised, maxGuardMs(spacing.baseMs, policy));
}

/** A call reserved without a throttle since: give back a fraction of the guard, down to the floor. */
export function creepUp(spacing: LearnedSpacing, policy: SpacingPolicy): void {
  const floor = policy.floorGuardMs;
  if (spacing.guardMs <= floor) return;
  spacing.guardMs = Math.max(floor, spacing.guardMs * (1 - policy.creep));
}
