import { WireError } from './wire-error.js';

/**
 * Per-second limits. `false` for a number disables that one limit. Each default below names its source and the date
 * of that source (also tabled in src/emulator/README.md, "Quotas"):
 * - LIMITS-2023: the "Kinesis Video Streams service quotas" page in AWS's archived public documentation
 *   repository (awsdocs/AWS-Kinesis-Video-Documentation), content of 2023-06. docs/emulator.md says how the
 *   emulator uses these figures.
 * - LIMITS-PAGE: https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/limits.html as summarised in this
 *   project's API notes in 2026 (not re-read live when this was written; re-check before relying on a figure).
 */
export type QuotaLimits = {
  /** GetClip calls per second per stream (1, hard; LIMITS-2023). */
  readonly getClipTps: number | false;
  /** GetClip calls per second per account, all streams together (25, soft; LIMITS-2023). */
  readonly accountGetClipTps: number | false;
  /**
   * Fragment-media points per second per stream; GetClip is charged its clip's fragment count (500; LIMITS-PAGE,
   * shared with GetMediaForFragmentList, HLS/DASH playback and GetImages).
   */
  readonly fragmentMediaPoints: number | false;
  /** ListFragments calls per second per stream (5, hard; LIMITS-2023). */
  readonly listFragmentsTps: number | false;
  /** GetDataEndpoint calls per second per stream (5, hard; LIMITS-PAGE). */
  readonly getDataEndpointTps: number | false;
  /** GetDataEndpoint calls per second per account (300, hard; LIMITS-PAGE). */
  readonly accountGetDataEndpointTps: number | false;
  /** DescribeStream calls per second per stream (5, hard; LIMITS-PAGE). */
  readonly describeStreamTps: number | false;
  /** DescribeStream calls per second per account (300, hard; LIMITS-PAGE). */
  readonly accountDescribeStreamTps: number | false;
  /** ListStreams calls per second per account (50, hard; LIMITS-PAGE). */
  readonly listStreamsTps: number | false;
};

/** The documented AWS limits (sources above); the emulator enforces them unless `quotas: false`. */
export const DEFAULT_QUOTAS: QuotaLimits = {
  getClipTps: 1,
  accountGetClipTps: 25,
  fragmentMediaPoints: 500,
  listFragmentsTps: 5,
  getDataEndpointTps: 5,
  accountGetDataEndpointTps: 300,
  describeStreamTps: 5,
  accountDescribeStreamTps: 300,
  listStreamsTps: 50,
};

/** Per-stream limit of each operation (ListStreams has none: its limit is per account). */
const STREAM_TPS_KEY: Readonly<Record<string, keyof QuotaLimits>> = {
  GetClip: 'getClipTps',
  ListFragments: 'listFragmentsTps',
  GetDataEndpoint: 'getDataEndpointTps',
  DescribeStream: 'describeStreamTps',
};

/** Account-wide limit of each operation. */
const ACCOUNT_TPS_KEY: Readonly<Record<string, keyof QuotaLimits>> = {
  GetClip: 'accountGetClipTps',
  GetDataEndpoint: 'accountGetDataEndpointTps',
  DescribeStream: 'accountDescribeStreamTps',
  ListStreams: 'listStreamsTps',
};

const WINDOW_MS = 1000;

/**
 * Sliding one-second windows per (operation, stream). A call over a limit is answered 400
 * ClientLimitExceededException: AWS uses 400 for it, and a 429/5xx would change SDK retry behaviour (the SDK retries
 * those itself). Rejected calls are not counted, as a token bucket would not charge them either.
 */
export class Quotas {
  readonly #limits: QuotaLimits | false;
  readonly #now: () => number;
  readonly #calls = new Map<string, number[]>();
  readonly #points = new Map<string, { at: number; points: number }[]>();

  constructor(limits: QuotaLimits | false, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  /**
   * Charges one call of `op` against its per-stream and its account-wide limit; throws WireError
   * ClientLimitExceededException when either is exhausted (then neither is charged).
   */
  chargeCall(op: string, stream: string | undefined): void {
    if (this.#limits === false) return;
    const streamKey = STREAM_TPS_KEY[op];
    const accountKey = ACCOUNT_TPS_KEY[op];
    const now = this.#now();
    const buckets: { bucket: string; limit: number; resource: string }[] = [];
    if (streamKey !== undefined && this.#limits[streamKey] !== false)
      buckets.push({
        bucket: `${op}\u0000${stream ?? ''}`,
        limit: this.#limits[streamKey],
        resource: ` for resource '${stream ?? ''}'`,
      });
    if (accountKey !== undefined && this.#limits[accountKey] !== false)
      buckets.push({ bucket: `account\u0000${op}`, limit: this.#limits[accountKey], resource: '' });
    const recent = buckets.map(({ bucket }) => (this.#calls.get(bucket) ?? []).filter((at) => at > now - WINDOW_MS));
    buckets.forEach(({ bucket }, i) => this.#calls.set(bucket, recent[i] ?? []));
    const full = buckets.findIndex(({ limit }, i) => (recent[i]?.length ?? 0) >= limit);
    if (full >= 0) {
      // The wording AWS uses for the per-stream case (as quoted in public SDK issues; see src/emulator/README.md,
      // "Quotas"); the account-wide text is not documented.
      throw new WireError(
        'ClientLimitExceededException',
        400,
        `Limit exceeded on number of requests for ${op} API${buckets[full]?.resource ?? ''}`,
      );
    }
    for (const times of recent) times.push(now);
  }

  /**
   * Charges fragment-media points (GetClip: its fragment count; GetImages: one per image made from footage, a stand-in,
   * docs/emulator.md); throws ClientLimitExceededException when over.
   */
  chargeFragmentPoints(stream: string, points: number, op = 'GetClip'): void {
    if (this.#limits === false || this.#limits.fragmentMediaPoints === false) return;
    const now = this.#now();
    const recent = (this.#points.get(stream) ?? []).filter((entry) => entry.at > now - WINDOW_MS);
    const used = recent.reduce((sum, entry) => sum + entry.points, 0);
    if (used + points > this.#limits.fragmentMediaPoints) {
      this.#points.set(stream, recent);
      throw new WireError(
        'ClientLimitExceededException',
        400,
        `Limit exceeded on fragment-media points for ${op} API for resource '${stream}'`,
      );
    }
    recent.push({ at: now, points });
    this.#points.set(stream, recent);
  }
}
