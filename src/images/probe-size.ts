import { UsageError } from '../errors/usage-error.js';
import { imageSize, type PixelSize } from './image-size.js';
import type { ImagesPort } from './images-port.js';
import { planImageCalls } from './plan-image-calls.js';
import { fetchPage, type SamplingRequest, type SamplingRuntime } from './sample-images.js';

/** How many single-image GetImages calls to spend looking for footage before giving up. */
const MAX_PROBES = 5;

/**
 * The picture's own size, learnt from one image at full size. GetImages keeps the aspect only for HeightPixels alone
 * and rejects WidthPixels alone, so `--width` without `--height` asks for one picture first (docs/images.md,
 * "Width and height"). Throws UsageError E_USAGE when the first calls find no footage (give --height too).
 */
export async function probePictureSize(
  port: ImagesPort,
  request: SamplingRequest,
  runtime: SamplingRuntime,
): Promise<PixelSize> {
  let probes = 0;
  for (const call of planImageCalls(request.window, { everyMs: request.everyMs })) {
    if (probes >= MAX_PROBES) break;
    probes += 1;
    const page = await fetchPage(
      port,
      {
        selector: request.selector,
        startMs: call.startMs,
        endMs: call.endMs,
        samplingIntervalMs: call.samplingIntervalMs,
        format: request.picture.format,
        maxResults: 1,
      },
      runtime,
      { label: `GetImages ${new Date(call.startMs).toISOString()} (picture size)`, points: 1 },
    );
    for (const image of page.images) {
      const size = 'bytes' in image ? imageSize(image.bytes) : undefined;
      if (size !== undefined) return size;
    }
  }
  throw new UsageError('E_USAGE', '--width alone needs the picture size, and the first instants have no footage', {
    hint: 'give --height as well (GetImages then stretches to exactly that size)',
  });
}

/** The height that keeps `size`'s aspect at `width` (1…2160). */
export function heightForWidth(size: PixelSize, width: number): number {
  return Math.min(2160, Math.max(1, Math.round((width * size.height) / size.width)));
}
