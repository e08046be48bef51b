import type { EventSink } from '../download/events.js';
import { PACING_RATES } from '../download/kvs-quotas.js';
import { createPacer } from '../download/pacer.js';
import { DEFAULT_RETRY_BUDGET } from '../download/retry-policy.js';
import type { StreamRef } from '../kvs/stream-ref.js';
import { GET_DEFAULTS } from './get-defaults.js';
import type { DownloadOptions, GetDeps } from './get-types.js';
import type { CallContext } from './plan-window.js';
import { sessionPort } from './session-port.js';

/** The options that shape a run's remote calls (get and list share them; list keeps the defaults it lacks flags for). */
export type CallSettings = {
  readonly stream: string;
  readonly streamArn?: string;
  readonly download: Pick<DownloadOptions, 'retries' | 'retryMaxTimeMs'> &
    Partial<Pick<DownloadOptions, 'fragmentRate' | 'pacing'>>;
};

/**
 * Opens the KVS port for the stream and the pacer, retry budget and event sink every call of the run shares.
 * Pacing is handed to each call as its `beforePage` / `beforeSend` hook (plan-window, pace-get-clip).
 */
export function createRunContext(settings: CallSettings, deps: Omit<GetDeps, 'cwd' | 'stdout'>): CallContext {
  const { download } = settings;
  const stream: StreamRef =
    settings.streamArn === undefined ? { streamName: settings.stream } : { streamArn: settings.streamArn };
  const pacer = createPacer(
    {
      getClipPerSecond: PACING_RATES.getClipPerSecond,
      fragmentsPerSecond: download.fragmentRate ?? GET_DEFAULTS.download.fragmentRate,
      listFragmentsPerSecond: PACING_RATES.listFragmentsPerSecond,
      unpacedUntilThrottle: download.pacing === false,
    },
    deps.nowMs(),
  );
  // GetClip throttles reach the pacer through fetchParts' onThrottle; a throttled listing only shows as its retry
  // event: it backs off the listing's spacing (under --no-pacing it turns pacing on), never the GetClip rate.
  const emit: EventSink = (event) => {
    if (event.type === 'retry' && event.op === 'ListFragments' && event.errorClass === 'throttle')
      pacer.noteListThrottle();
    deps.emit(event);
  };
  return {
    kvs: sessionPort(deps.openSession({ stream })),
    pacer,
    budget: {
      ...DEFAULT_RETRY_BUDGET,
      retries: download.retries,
      retryMaxTimeMs: download.retryMaxTimeMs,
    },
    nowMs: deps.nowMs,
    sleep: deps.sleep,
    random: deps.random,
    signal: deps.signal,
    emit,
    stats: { retries: 0 },
  };
}
