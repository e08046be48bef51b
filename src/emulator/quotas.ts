import { WireError } from './wire-error.js';

/** Per-second limits (kvs-api.md §7). `false` for a number disables that one limit. */
export type QuotaLimits = {
  /** GetClip calls per second per stream (AWS: 1, hard). */
  readonly getClipTps: number | false;
  /** Fragment-media points per second per stream; GetClip is charged its clip's fragment count (AWS: 500). */
  readonly fragmentMediaPoints: number | false;
  readonly listFragmentsTps: number | false;
  readonly getDataEndpointTps: number | false;
  readonly describeStreamTps: number | false;
  /** Account-wide (AWS: 50). */
  readonly listStreamsTps: number | false;
};

/** The documented AWS limits; the emulator enforces them unless `quotas: false`. */
export const DEFAULT_QUOTAS: QuotaLimits = {
  getClipTps: 1,
  fragmentMediaPoints: 500,
  listFragmentsTps: 5,
  getDataEndpointTps: 5,
  describeStreamTps: 5,
  listStreamsTps: 50,
};

const TPS_KEY: Readonly<Record<string, keyof QuotaLimits>> = {
  GetClip: 'getClipTps',
  ListFragments: 'listFragmentsTps',
  GetDataEndpoint: 'getDataEndpointTps',
  DescribeStream: 'describeStreamTps',
  ListStreams: 'listStreamsTps',
};

const WINDOW_MS = 1000;

/**
 * Sliding one-second windows per (operation, stream). A call over a limit is answered 400
 * ClientLimitExceededException: AWS uses 400 for it, and a 429/5xx would change SDK retry behaviour (§8.1).
 * Rejected calls are not counted, as a token bucket would not charge them either.
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

  /** Charges one call of `op`; throws WireError ClientLimitExceededException when over its TPS limit. */
  chargeCall(op: string, stream: string | undefined): void {
    if (this.#limits === false) return;
    const key = TPS_KEY[op];
    const limit = key === undefined ? false : this.#limits[key];
    if (limit === false) return;
    const now = this.#now();
    const bucket = `${op}\u0000${op === 'ListStreams' ? '' : (stream ?? '')}`;
    const recent = (this.#calls.get(bucket) ?? []).filter((at) => at > now - WINDOW_MS);
    if (recent.length >= limit) {
      this.#calls.set(bucket, recent);
      const resource = op === 'ListStreams' ? '' : ` for resource '${stream ?? ''}'`;
      throw new WireError(
        'ClientLimitExceededException',
        400,
        `Limit exceeded on number of requests for ${op} API${resource}`,
      );
    }
    recent.push(now);
    this.#calls.set(bucket, recent);
  }

  /** Charges GetClip's fragment-media points (its fragment count); throws ClientLimitExceededException when over. */
  chargeFragmentPoints(stream: string, points: number): void {
    if (this.#limits === false || this.#limits.fragmentMediaPoints === false) return;
    const now = this.#now();
    const recent = (this.#points.get(stream) ?? []).filter((entry) => entry.at > now - WINDOW_MS);
    const used = recent.reduce((sum, entry) => sum + entry.points, 0);
    if (used + points > this.#limits.fragmentMediaPoints) {
      this.#points.set(stream, recent);
      throw new WireError(
        'ClientLimitExceededException',
        400,
        `Limit exceeded on fragment-media points for GetClip API for resource '${stream}'`,
      );
    }
    recent.push({ at: now, points });
    this.#points.set(stream, recent);
  }
}
