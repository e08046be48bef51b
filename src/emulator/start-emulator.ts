import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClipLayout } from '../mp4/model.js';
import { buildClipStream } from './write-samples.js';
import type { ClipShape } from './clip-shape.js';
import { createStreams } from './create-streams.js';
import type { EmulatedStream, StreamFragment } from './emulated-stream.js';
import { expectedClip, type ExpectedClip } from './expected-clip.js';
import { listStreamFragments, type FragmentRange } from './list-stream-fragments.js';
import { FaultPlan, type FaultSpec } from './faults.js';
import { dataSegmentFor } from './data-plane.js';
import { handleRequest } from './handle-request.js';
import type { HandlerContext } from './handler-context.js';
import { DEFAULT_FIXTURE_DIR } from './load-loop-media.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type EmulatorCredentials } from './local-credentials.js';
import { resolveQuirks, type Quirks } from './quirks.js';
import { DEFAULT_QUOTAS, Quotas, type QuotaLimits } from './quotas.js';
import { RequestLog } from './request-log.js';
import { createFrameRenderer } from './render-frame.js';
import { DEFAULT_CLIP_CAPS, DEFAULT_CPD_CHANGE_ERROR, type ClipCaps } from './routes/get-clip.js';
import { StreamStore } from './store.js';
import type { StreamSpec } from './stream-spec.js';

/**
 * Options of an in-process emulator. Every knob whose AWS behaviour is unknown has a documented stand-in default
 * (docs/emulator.md): clip layout moov-first, ListFragments page 100 in seeded-shuffled order, caps 200 / 100×10⁶.
 */
export type EmulatorOptions = {
  readonly streams: readonly StreamSpec[];
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /**
   * Emulator clock in epoch ms (default Date.now); drives spans, retention, visibility and quotas (a frozen clock
   * never refills quotas: advance it, or pass `quotas: false`).
   */
  readonly now?: () => number;
  /** Used for latency and bandwidth faults (default setTimeout). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Seeds jitter, ListFragments order, fault fractions and bit flips (default 1). */
  readonly seed?: number;
  /**
   * SigV4 checks; `false` accepts any or no signature. Default (lenient): any access key, signature structure,
   * service, region scope and clock checked, and verified cryptographically when the key is LOCAL_CREDENTIALS';
   * `strict: true` accepts only LOCAL_CREDENTIALS (or `credentials`), in us-east-1 unless `region`.
   * The ±5 min skew check uses `auth.now` (default the real clock, not `now`): clients sign with their wall clock even
   * when the emulator's archive runs on a pinned or simulated clock.
   */
  readonly auth?:
    | false
    | {
        readonly credentials?: EmulatorCredentials;
        readonly region?: string;
        readonly now?: () => number;
        readonly strict?: boolean;
      };
  /** `false` disables all quotas; a partial object overrides single limits (`false` per limit disables it). */
  readonly quotas?: false | Partial<QuotaLimits>;
  readonly faults?: readonly FaultSpec[];
  readonly caps?: Partial<ClipCaps>;
  /** Error name for a codec-config change inside one GetClip (default InvalidCodecPrivateDataException). */
  readonly cpdChangeError?: string;
  /** GetClip MP4 layout (default moov-first: a stand-in, the real layout is unknown). */
  readonly clipLayout?: ClipLayout;
  /** What GetClip bodies look like (default `aws`, real-shaped; `fixture`: the fixture's own timing and labels). */
  readonly clipShape?: ClipShape;
  /** Real-service oddities to reproduce (see quirks.ts): `true` for all, or some by name. Default none. */
  readonly quirks?: boolean | Partial<Quirks>;
  /** GetClip with chunked transfer encoding instead of Content-Length. */
  readonly chunked?: boolean;
  /** ListFragments page size without MaxResults (default 100). */
  readonly listFragmentsPageSize?: number;
  /** ListFragments pages in ingestion order instead of shuffled. */
  readonly sortedListFragments?: boolean;
  /** ListFragments hides fragments ingested less than this long ago (eventual consistency; default 0). */
  readonly listFragmentsDelayMs?: number;
  /** Also append the request log as JSONL to this file. */
  readonly logFile?: string;
  /** Where the preset fixtures live (default: the package's test/fixtures). */
  readonly fixtureDir?: string;
};

export type RunningEmulator = {
  /** `http://127.0.0.1:<port>`: the control-plane endpoint (GetDataEndpoint, DescribeStream, ListStreams). */
  readonly url: string;
  /**
   * A stream's data-plane endpoint, `<url>/b-xxxxxxxx`, as GetDataEndpoint returns it (ListFragments, GetClip).
   * Does not check that the stream exists.
   */
  dataUrl(stream: string): string;
  readonly port: number;
  readonly region: string;
  /** Its own credentials, verified cryptographically (undefined when auth is off). */
  readonly credentials: EmulatorCredentials | undefined;
  /** `strict`: only its own key; `lenient`: any key, its own verified; `off`: no signature needed. */
  readonly authMode: 'strict' | 'lenient' | 'off';
  readonly log: RequestLog;
  /** The served streams by name (for in-process fragment listings and expected clips). */
  readonly streams: ReadonlyMap<string, EmulatedStream>;
  /** In-process listing of a stream's visible fragments in ingestion order (no HTTP, quotas or paging). */
  fragments(stream: string, range: FragmentRange): StreamFragment[];
  /** The uncapped reference MP4 for a range or for explicit fragments (see expectedClip). */
  expectedClip(
    stream: string,
    selection: FragmentRange | readonly StreamFragment[],
    options?: { layout?: ClipLayout },
  ): ExpectedClip;
  /** Stops accepting requests, drops open connections, resolves when closed. */
  close(): Promise<void>;
};

/**
 * Starts a local KVS endpoint for both planes on one node:http server (the data plane under a per-stream path prefix).
 * Use it in tests (port 0) and behind `kvs-clip emulator`. Rejects when the port cannot be bound or a stream spec or
 * fixture is unusable.
 */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const now = options.now ?? Date.now;
  const seed = options.seed ?? 1;
  const authOptions = options.auth;
  const auth: HandlerContext['auth'] =
    authOptions === false
      ? false
      : {
          credentials: authOptions?.credentials ?? LOCAL_CREDENTIALS,
          region: authOptions?.region ?? LOCAL_REGION,
          now: authOptions?.now ?? Date.now,
          strict: authOptions?.strict ?? false,
        };
  const region = auth === false ? (LOCAL_REGION as string) : auth.region;
  const streams = await createStreams(options.streams, {
    nowMs: now(),
    seed,
    region,
    fixtureDir: options.fixtureDir ?? DEFAULT_FIXTURE_DIR,
  });
  const log = new RequestLog(options.logFile === undefined ? {} : { file: options.logFile });
  const context: HandlerContext = {
    store: new StreamStore(streams),
    log,
    quotas: new Quotas(options.quotas === false ? false : { ...DEFAULT_QUOTAS, ...options.quotas }, now),
    faults: new FaultPlan(options.faults ?? [], seed),
    now,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    seed,
    auth,
    caps: { ...DEFAULT_CLIP_CAPS, ...options.caps },
    cpdChangeError: options.cpdChangeError ?? DEFAULT_CPD_CHANGE_ERROR,
    clipLayout: options.clipLayout ?? 'moov-first',
    clipShape: options.clipShape ?? 'aws',
    chunked: options.chunked ?? false,
    listFragmentsPageSize: options.listFragmentsPageSize ?? 100,
    sortedListFragments: options.sortedListFragments ?? false,
    listFragmentsDelayMs: options.listFragmentsDelayMs ?? 0,
    encodeClip: (media, layout) => buildClipStream(media, { layout }),
    renderFrame: createFrameRenderer(),
    quirks: resolveQuirks(options.quirks),
  };
  const server = createServer((req, res) => {
    void handleRequest(req, res, context);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const byName = new Map(streams.map((s) => [s.description.name, s]));
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    dataUrl: (name) => `${url}/${dataSegmentFor(name)}`,
    port: address.port,
    region,
    credentials: auth === false ? undefined : auth.credentials,
    authMode: auth === false ? 'off' : auth.strict ? 'strict' : 'lenient',
    log,
    streams: byName,
    fragments: (name, range) => listStreamFragments(requireLocal(byName, name), range, now()),
    expectedClip: (name, selection, clipOptions) =>
      expectedClip(requireLocal(byName, name), selection, {
        nowMs: now(),
        shape: context.clipShape,
        seed,
        ...(clipOptions?.layout === undefined ? {} : { layout: clipOptions.layout }),
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

function requireLocal(streams: ReadonlyMap<string, EmulatedStream>, name: string): EmulatedStream {
  const stream = streams.get(name);
  if (stream === undefined) throw new RangeError(`the emulator serves no stream named "${name}"`);
  return stream;
}
