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

/**
 * The rates a run paces at: the call quotas themselves, because the pacer learns the guard a request's arrival lag
 * needs (src/download/learned-spacing.ts: a few ms over the interval, more after a throttle, creeping back).
 * Fragments: half the points budget by default (`--fragment-rate`), leaving the rest to players and other readers of
 * the same stream.
 */
export const PACING_RATES = {
  getClipPerSecond: KVS_QUOTAS.getClipPerSecond,
  listFragmentsPerSecond: KVS_QUOTAS.listFragmentsPerSecond,
  fragmentsPerSecond: KVS_QUOTAS.fragmentPointsPerSecond / 2,
} as const;
