import type { ManifestIdentity } from '../../download/manifest.js';
import { layoutKey } from '../join-layout-of.js';
import type { TargetRequest } from './output-target.js';

/** What a resume manifest must match: the request and every layout setting that changes the output bytes. */
export function manifestIdentity(request: TargetRequest): ManifestIdentity {
  return {
    streamName: request.stream,
    streamArn: request.streamArn,
    selector: request.selector,
    align: request.align,
    window: request.window,
    layout: layoutKey(request.layout),
    ...(request.asked === undefined ? {} : { request: request.asked }),
  };
}
