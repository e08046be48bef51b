/**
 * The KVS quotas the pacer keeps under, defined once. Source: Amazon Kinesis Video Streams Developer Guide,
 * "Amazon Kinesis Video Streams service quotas" (limits.html; the GetClip row as published in 2023, the
 * points figures as read for this project in 2025). See docs/pipeline.md, "Quotas".
 */
export const KVS_QUOTAS = {
  /** GetClip calls per second per stream (hard quota). */
  getClipPerSecond: 1,
  /** ListFragments calls per second per stream (hard quota). */
  listFragmentsPerSecond: 5,
  /** "fragment-media" points per second per stream; a GetClip costs one point per fragment of its clip. */
  fragmentPointsPerSecond: 500,
} as const;

/** Fraction of a per-call quota a run paces at (see PACING_RATES). */
export const PACING_MARGIN = 0.8;

/**
 * The rates a run paces at: 20 % under the call quotas, because a request's arrival lags its reservation by the
 * time it takes to resolve credentials, sign and connect (hundreds of milliseconds on a loaded machine; two GetClip
 * calls arrived 797 ms apart at 0.95/s in the fault matrix), and two calls must never land in one of the service's
 * seconds. Fragments: half the points budget by default (`--fragment-rate`), leaving the rest to players and other
 * readers of the same stream.
 */
export const PACING_RATES = {
  getClipPerSecond: KVS_QUOTAS.getClipPerSecond * PACING_MARGIN,
  listFragmentsPerSecond: KVS_QUOTAS.listFragmentsPerSecond * PACING_MARGIN,
  fragmentsPerSecond: KVS_QUOTAS.fragmentPointsPerSecond / 2,
} as const;
