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
 * Fraction of a per-call quota a run paces at (see PACING_RATES). Chosen for this project (2026-11, measured in the
 * fault matrix, test/reliability), not an AWS figure.
 */
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
