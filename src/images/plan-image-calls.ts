import { UsageError } from '../errors/usage-error.js';

/** GetImages rejects a call whose EndTimestamp is more than 300 s after its StartTimestamp. */
export const MAX_CALL_RANGE_MS = 300_000;
/** GetImages' smallest SamplingInterval (5 images per second). */
export const MIN_SAMPLING_INTERVAL_MS = 200;
/** GetImages' largest SamplingInterval; coarser sampling is planned as one call per instant. */
export const MAX_SAMPLING_INTERVAL_MS = 20_000;

/** One planned GetImages call: it yields the images at `firstMs + k × samplingIntervalMs` for k < imageCount. */
export type ImageCall = {
  readonly startMs: number;
  /** Inclusive on the wire; one millisecond past the last instant so the last sample is inside the range. */
  readonly endMs: number;
  readonly samplingIntervalMs: number;
  readonly imageCount: number;
};

/**
 * Plans the GetImages calls that sample [startMs, endMs) every `everyMs`, instants at startMs + k × everyMs.
 * Each call spans at most 300 s. Intervals above GetImages' 20 s maximum become one call per instant (a range
 * shorter than the interval returns the image at its start). Lazy, so a day at 200 ms costs no memory per call.
 * Throws UsageError E_USAGE for an interval below 200 ms or not a whole number of milliseconds.
 */
export function* planImageCalls(
  window: { startMs: number; endMs: number },
  options: { everyMs: number },
): Generator<ImageCall> {
  const { everyMs } = options;
  if (!Number.isInteger(everyMs) || everyMs < MIN_SAMPLING_INTERVAL_MS)
    throw new UsageError('E_USAGE', `--every must be at least 200ms, got ${everyMs}ms`);
  const total = window.endMs > window.startMs ? Math.ceil((window.endMs - window.startMs) / everyMs) : 0;
  const perCall = everyMs > MAX_SAMPLING_INTERVAL_MS ? 1 : Math.floor((MAX_CALL_RANGE_MS - 1) / everyMs) + 1;
  const samplingIntervalMs = Math.min(everyMs, MAX_SAMPLING_INTERVAL_MS);
  for (let first = 0; first < total; first += perCall) {
    const imageCount = Math.min(perCall, total - first);
    const startMs = window.startMs + first * everyMs;
    yield { startMs, endMs: startMs + (imageCount - 1) * everyMs + 1, samplingIntervalMs, imageCount };
  }
}

/** Sampling steps a person reads at a glance; the default --every is the finest one giving at most `tiles`. */
const NICE_STEPS_MS = [
  200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/**
 * The default --every for a window: the finest "nice" step (200 ms … 1 d) that gives at most `tiles` images
 * (default 60, a sheet that fits a screen or two). Pure; never throws.
 */
export function defaultEveryMs(window: { startMs: number; endMs: number }, options: { tiles?: number } = {}): number {
  const tiles = options.tiles ?? 60;
  const spanMs = Math.max(0, window.endMs - window.startMs);
  const step = NICE_STEPS_MS.find((candidate) => Math.ceil(spanMs / candidate) <= tiles);
  return step ?? Math.ceil(spanMs / tiles / 86_400_000) * 86_400_000;
}
