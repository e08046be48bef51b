/**
 * The per-call ceilings a GetClip plan keeps under. GetClip silently returns only "the first 100 MB or the first
 * 200 fragments" (docs/planning.md, "Cutting parts") and rejects ranges longer than 24 h, so every planned call stays
 * inside all three.
 */
export type PlanLimits = {
  /** GetClip's hard cap is 200 fragments per call. */
  readonly maxFragments: number;
  /**
   * Σ FragmentSizeInBytes per call. The service cap is "100 MB", whose unit (10⁶ or 2²⁰) is unknown and whose
   * MP4 framing adds bytes on top of the fragment sizes, hence the margin (`--max-part-bytes` may lower it).
   */
  readonly maxBytes: number;
  /** GetClip's End must be within 24 h of its Start. */
  readonly maxSpanMs: number;
};

/** kvs-clip's defaults: 200 fragments, 95 × 10⁶ bytes (5 % under 100 × 10⁶), 24 h. */
export const DEFAULT_LIMITS: PlanLimits = {
  maxFragments: 200,
  maxBytes: 95_000_000,
  maxSpanMs: 24 * 60 * 60 * 1000,
};

/**
 * Fills unspecified limits with the defaults. Use at every planning entry point so callers may pass only what they
 * change (tests shrink the caps to exercise splitting with tiny fixtures).
 * Throws RangeError for a limit that is not a positive number (a caller bug, not user input).
 */
export function resolveLimits(limits: Partial<PlanLimits> = {}): PlanLimits {
  const resolved = { ...DEFAULT_LIMITS, ...withoutUndefined(limits) };
  for (const [key, value] of Object.entries(resolved)) {
    if (!(value > 0)) throw new RangeError(`Plan limit ${key} must be positive, got ${String(value)}`);
  }
  return resolved;
}

function withoutUndefined(limits: Partial<PlanLimits>): Partial<PlanLimits> {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
}
