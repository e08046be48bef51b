import type { ClipLayout } from '../mp4/model.js';
import type { ClipShape, ShapedClip } from './clip-shape.js';
import type { FaultPlan } from './faults.js';
import type { EmulatorCredentials } from './local-credentials.js';
import type { Quirks } from './quirks.js';
import type { FrameRenderer } from './render-frame.js';
import type { Quotas } from './quotas.js';
import type { RequestLog } from './request-log.js';
import type { ClipCaps } from './routes/get-clip.js';
import type { StreamStore } from './store.js';

/** Turns clip media into an MP4 byte stream of known size (src/mp4's writer in production). */
export type ClipEncoder = (
  media: ShapedClip,
  layout: ClipLayout,
) => { sizeBytes: number; chunks(): Iterable<Uint8Array> | AsyncIterable<Uint8Array> };

/** Everything a request needs; built once by startEmulator and shared by every route. */
export type HandlerContext = {
  readonly store: StreamStore;
  readonly log: RequestLog;
  readonly quotas: Quotas;
  readonly faults: FaultPlan;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly seed: number;
  readonly auth:
    | {
        readonly credentials: EmulatorCredentials;
        readonly region: string;
        readonly now: () => number;
        readonly strict: boolean;
      }
    | false;
  readonly caps: ClipCaps;
  readonly cpdChangeError: string;
  readonly clipLayout: ClipLayout;
  readonly clipShape: ClipShape;
  readonly chunked: boolean;
  readonly listFragmentsPageSize: number;
  readonly sortedListFragments: boolean;
  readonly listFragmentsDelayMs: number;
  readonly encodeClip: ClipEncoder;
  /** GetImages' frame renderer (ffmpeg, cached). */
  readonly renderFrame: FrameRenderer;
  readonly quirks: Quirks;
};
