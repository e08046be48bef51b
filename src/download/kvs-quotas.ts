/**
 * The KVS quotas the pacer keeps under, defined once (docs/pipeline.md, "Quotas"). Each figure names its source and
 * the date of that source, with the same labels as the emulator's own copy (src/emulator/quotas.ts, which must not
 * import client code):
 * - LIMITS-2023: Amazon Kinesis Video Streams Developer Guide, "Kinesis Video Streams service quotas" (limits.html)
 *   in AWS's archived public documentation repository, content of 2023-06.
 * - LIMITS-PAGE: https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/limits.html as summarised in this
 *   project's API notes in 2026 (control-plane rows re-read 2026-12-02; the archived-media rows not re-read live).
 */
export const KVS_QUOTAS = {
  /** GetClip calls per second per stream (1, hard; LIMITS-2023). */
  getClipPerSecond: 1,
  /** ListFragments calls per second per stream (5, hard; LIMITS-2023). */
  listFragmentsPerSecond: 5,
  /**
   * Fragment-media points per second per stream; a GetClip costs one point per fragment of its clip (500;
   * LIMITS-PAGE, shared with GetMediaForFragmentList, HLS/DASH playback and GetImages).
   */
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
