import type { ManifestIdentity } from '../../download/manifest.js';
import type { TargetRequest } from './output-target.js';

/** What a resume manifest must match: the request and every layout setting that changes the output bytes. */
export function manifestIdentity(request: TargetRequest): ManifestIdentity {
  const { layout } = request;
  // The manifest's own spelling of the format since its first version (mp4 / fmp4), kept so that a manifest written
  // before the CLI said progressive / fragmented still matches.
  const format = layout.format === 'fragmented' ? 'fmp4' : 'mp4';
  return {
    streamName: request.stream,
    streamArn: request.streamArn,
    selector: request.selector,
    align: request.align,
    window: request.window,
    layout: `${format} faststart=${String(layout.faststart)} gaps=${layout.gaps}`,
  };
}
