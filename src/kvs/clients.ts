import type { KinesisVideoClient, KinesisVideoClientConfig } from '@aws-sdk/client-kinesis-video';
import type { KinesisVideoArchivedMediaClient } from '@aws-sdk/client-kinesis-video-archived-media';
import { UsageError } from '../errors/usage-error.js';
import { archivedMediaSdk, kinesisVideoSdk } from './load-sdk.js';
import { addRequestLog, type RequestLog } from './request-log.js';

/** AWS configuration as the CLI collects it (`--region`, `--profile`, `--endpoint-url`, `--local`). */
export type KvsClientOptions = {
  /** `--region`; default: the SDK's chain (AWS_REGION, then the profile's region). */
  readonly region?: string;
  /** `--endpoint-url`: the control plane only; the data plane always comes from GetDataEndpoint. */
  readonly endpointUrl?: string;
  /** `--profile`: picks the profile for credentials and region, as AWS_PROFILE would. */
  readonly profile?: string;
  /** Explicit credentials (tests, `--local`); default: the SDK's standard chain (env, profile, SSO, instance role). */
  readonly credentials?: KinesisVideoClientConfig['credentials'];
  /** Give up connecting after this long (default 10 s). */
  readonly connectTimeoutMs?: number;
  /**
   * Give up on a response that sends nothing for this long (default 30 s): the socket's idle timeout, so it bounds
   * the wait for headers and every stall inside a GetClip body alike.
   */
  readonly readTimeoutMs?: number;
  /** `-vv`: told of every request and answer (src/kvs/request-log.ts; never headers or bodies). */
  readonly requestLog?: RequestLog;
};

/** The SDK clients of one run: the control plane, and archived-media clients per data endpoint. */
export type KvsClients = {
  readonly control: KinesisVideoClient;
  /** The resolved region. Throws UsageError E_USAGE when neither --region, AWS_REGION nor the profile names one. */
  region(): Promise<string>;
  /** An archived-media client bound to a DataEndpoint (same region, same credentials; signing stays kinesisvideo). */
  archivedMedia(dataEndpoint: string): Promise<KinesisVideoArchivedMediaClient>;
  /** Closes every client's sockets; call once the run is over. */
  destroy(): void;
};

const QUIET_SDK_LOGGER = {
  debug: (): void => undefined,
  info: (): void => undefined,
  warn: (): void => undefined,
  error: (): void => undefined,
};

/**
 * Creates the SDK clients with `maxAttempts: 1`: kvs-clip owns the one retry loop (docs/planning.md, "Quotas, pacing
 * and retries"), because errors while reading a GetClip body are never retried by the SDK anyway and nested loops
 * multiply budgets. Credentials come from the standard chain unless given, resolved once and shared by all clients.
 * Never throws; bad configuration surfaces on the first call (mapped by mapSdkError).
 */
export function createKvsClients(options: KvsClientOptions): KvsClients {
  const shared = {
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs ?? 10_000,
      socketTimeout: options.readTimeoutMs ?? 30_000,
    },
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    // The SDK's own warnings (the nine-line "Multiple credential sources detected" when --profile meets
    // AWS_ACCESS_KEY_ID) would break the one-line error contract on stderr; kvs-clip reports failures itself.
    logger: QUIET_SDK_LOGGER,
  };
  const { KinesisVideoClient } = kinesisVideoSdk();
  const control = new KinesisVideoClient({
    ...shared,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.endpointUrl === undefined ? {} : { endpoint: options.endpointUrl }),
  });
  if (options.requestLog !== undefined) addRequestLog(control, options.requestLog);
  const dataClients = new Map<string, KinesisVideoArchivedMediaClient>();
  const region = async (): Promise<string> => {
    try {
      return await control.config.region();
    } catch (error) {
      // The SDK throws a plain Error here; there is nothing else that can fail in resolving a configured region.
      throw new UsageError('E_USAGE', 'No AWS region configured', {
        cause: error,
        hint: 'Pass --region (e.g. --region eu-west-1), set AWS_REGION, or set a region in the --profile',
      });
    }
  };
  return {
    control,
    region,
    async archivedMedia(dataEndpoint) {
      const existing = dataClients.get(dataEndpoint);
      if (existing !== undefined) return existing;
      // The data endpoint is signed for the control plane's region; reuse its resolved region and its
      // (memoised) credential provider so SSO or role credentials are fetched once.
      const { KinesisVideoArchivedMediaClient } = archivedMediaSdk();
      const client = new KinesisVideoArchivedMediaClient({
        ...shared,
        region: await region(),
        credentials: control.config.credentials,
        endpoint: dataEndpoint,
      });
      if (options.requestLog !== undefined) addRequestLog(client, options.requestLog);
      dataClients.set(dataEndpoint, client);
      return client;
    },
    destroy() {
      control.destroy();
      for (const client of dataClients.values()) client.destroy();
      dataClients.clear();
    },
  };
}
