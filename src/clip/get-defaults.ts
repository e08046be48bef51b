import { PACING_RATES } from '../download/kvs-quotas.js';
import { DEFAULT_RETRY_BUDGET } from '../download/retry-policy.js';
import type {
  CronOptions,
  DownloadOptions,
  GetOptions,
  OutputOptions,
  PostStepOptions,
  TimeOptions,
} from './get-types.js';

/**
 * The defaults of `kvs-clip get`, defined once, in the option groups of GetOptions: commander's `.default()` in
 * src/cli (get, list, streams) reads these, and `getOptions` fills a partial request (tests, library callers such
 * as `archive`) from them. Nothing in src/clip falls back to a default of its own.
 */
export const GET_DEFAULTS = {
  time: { tz: 'UTC', selector: 'server' },
  output: {
    force: false,
    skipExisting: false,
    mkdir: false,
    split: false,
    /** moov first. */
    faststart: true,
    format: 'progressive',
    gaps: 'keep',
    failOnGap: false,
  },
  download: {
    /** Parts downloaded ahead of the join. */
    concurrency: 2,
    /** Retries per call (the retry budget's own default). */
    retries: DEFAULT_RETRY_BUDGET.retries,
    /** Wall-clock budget of one call's retries. */
    retryMaxTimeMs: DEFAULT_RETRY_BUDGET.retryMaxTimeMs,
    /** Fragments per second GetClip may return for one stream (docs/pipeline.md, "Quotas"). */
    fragmentRate: PACING_RATES.fragmentsPerSecond,
    pacing: true,
    dryRun: false,
    continue: true,
    keepParts: false,
  },
  cron: {
    /** The newest time left for the next run. */
    settleMs: 60_000,
  },
} as const satisfies {
  time: Pick<TimeOptions, 'tz' | 'selector'>;
  output: OutputOptions;
  download: DownloadOptions;
  cron: Omit<CronOptions, 'state'>;
};

/** A `get` request with only what differs from the defaults. */
export type GetInput = {
  readonly stream: string;
  readonly streamArn?: string;
  readonly time?: Partial<TimeOptions>;
  readonly output?: Partial<OutputOptions>;
  readonly download?: Partial<DownloadOptions>;
  /** Cron mode: `state` is required, `settleMs` defaults. */
  readonly cron?: Partial<CronOptions> & Pick<CronOptions, 'state'>;
  readonly postSteps?: PostStepOptions;
};

/** The full GetOptions of a partial request, every missing field from GET_DEFAULTS. */
export function getOptions(input: GetInput): GetOptions {
  return {
    stream: input.stream,
    ...(input.streamArn === undefined ? {} : { streamArn: input.streamArn }),
    time: { ...GET_DEFAULTS.time, ...input.time },
    output: { ...GET_DEFAULTS.output, ...input.output },
    download: { ...GET_DEFAULTS.download, ...input.download },
    ...(input.cron === undefined ? {} : { cron: { ...GET_DEFAULTS.cron, ...input.cron } }),
    postSteps: { ...input.postSteps },
  };
}
