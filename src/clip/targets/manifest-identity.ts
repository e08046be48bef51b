import type { ManifestIdentity } from '../../download/manifest.js';
import type { TargetRequest } from './output-target.js';

/** What a resume manifest must match: the request and every layout setting that changes the output bytes. */
export function manifestIdentity(request: TargetRequest): ManifestIdentity {
  const { layout } = request;
  return {
    streamName: request.stream,
    streamArn: request.streamArn,
    selector: request.selector,
    align: request.align,
    window: request.window,
    layout: `${layout.format} faststart=${String(layout.faststart)} gaps=${layout.gaps}`,
  };
}
