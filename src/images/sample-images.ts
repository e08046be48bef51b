import type { Pacer } from '../download/pacer.js';
import type { RetryBudget } from '../download/retry-policy.js';
import { throttleCauseOf } from '../download/throttle-cause.js';
import { withRetry, type RetryNotice } from '../download/with-retry.js';
import type { Selector } from '../plan/fragment.js';
import type { ImagesPageRequest, ImagesPort, SampledImage } from './images-port.js';
import { planImageCalls } from './plan-image-calls.js';

/** The service's page size: GetImages answers at most 25 images per call whatever MaxResults says. */
const PAGE_SIZE = 25;
/** A guard against a service that keeps handing out NextTokens for one ≤ 300 s call. */
const MAX_PAGES_PER_CALL = 1 + Math.ceil(1500 / PAGE_SIZE);

/** How to sample: the window, the interval and the picture options every call carries. */
export type SamplingRequest = {
  readonly window: { readonly startMs: number; readonly endMs: number };
  readonly everyMs: number;
  readonly selector: Selector;
  readonly picture: Pick<ImagesPageRequest, 'format' | 'quality' | 'widthPixels' | 'heightPixels'>;
};

/** The run's clock, pacing and retry budget (injected, so tests can use a virtual clock). */
export type SamplingRuntime = {
  readonly signal: AbortSignal;
  readonly pacer: Pacer;
  readonly budget: RetryBudget;
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly onRetry?: (notice: RetryNotice) => void;
};

/**
 * Samples the window (docs/images.md): plans GetImages calls of ≤ 300 s, follows each call's NextToken pages, paces
 * every page on the run's pacer (one call plus one fragment-media point per image asked for) and retries it like
 * `get`. Hands each image to `onImage` as it arrives, in time order, and holds no image after that: memory does not
 * grow with the window. Throws the port's typed error once retries are spent, or the cancellation error.
 */
export async function sampleImages(
  port: ImagesPort,
  request: SamplingRequest,
  runtime: SamplingRuntime,
  onImage: (image: SampledImage) => Promise<void>,
): Promise<void> {
  for (const call of planImageCalls(request.window, { everyMs: request.everyMs })) {
    let nextToken: string | undefined;
    let left = call.imageCount;
    for (let page = 1; page <= MAX_PAGES_PER_CALL && left > 0; page += 1) {
      const pageRequest: ImagesPageRequest = {
        selector: request.selector,
        startMs: call.startMs,
        endMs: call.endMs,
        samplingIntervalMs: call.samplingIntervalMs,
        ...request.picture,
        maxResults: PAGE_SIZE,
        ...(nextToken === undefined ? {} : { nextToken }),
      };
      const label = `GetImages ${new Date(call.startMs).toISOString()} page ${page}`;
      const result = await fetchPage(port, pageRequest, runtime, { label, points: Math.min(PAGE_SIZE, left) });
      for (const image of result.images.slice(0, left)) await onImage(image);
      left -= result.images.length;
      nextToken = result.nextToken;
      if (nextToken === undefined || result.images.length === 0) break;
    }
  }
}

/**
 * One GetImages page, paced (`points` images charged) and retried with the run's budget, as `get` retries GetClip.
 * Throws the port's typed error once retries are spent, or the cancellation error.
 */
export function fetchPage(
  port: ImagesPort,
  request: ImagesPageRequest,
  runtime: SamplingRuntime,
  options: { label: string; points: number },
): ReturnType<ImagesPort['getImages']> {
  return withRetry(
    () => port.getImages(request, { signal: runtime.signal, beforeSend: () => pace(runtime, options.points) }),
    {
      label: options.label,
      budget: runtime.budget,
      random: runtime.random,
      nowMs: runtime.nowMs,
      sleep: runtime.sleep,
      signal: runtime.signal,
      classify: (error) => port.classify(error),
      toError: (error) => port.toError(error),
      onThrottle: (error) => runtime.pacer.noteThrottle(throttleCauseOf(error)),
      refreshEndpoint: () => port.refreshEndpoint(),
      ...(runtime.onRetry === undefined ? {} : { onRetry: runtime.onRetry }),
    },
  );
}

/**
 * Waits for the page's turn. GetImages has no published per-call quota; it shares the stream's fragment-media points
 * with GetClip, so the pacer's GetClip buckets are used: one call token and one point per image (docs/images.md).
 */
async function pace(runtime: SamplingRuntime, points: number): Promise<void> {
  const waitMs = runtime.pacer.reserveGetClip(points, runtime.nowMs());
  if (waitMs > 0) await runtime.sleep(waitMs);
}
