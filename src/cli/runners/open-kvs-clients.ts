import { createKvsClients, type KvsClients } from '../../kvs/clients.js';
import type { CliIo } from '../io.js';
import type { AwsOptions } from '../options/aws-options.js';

/** SDK clients for one command, and how to release them (and the in-process emulator for --local). */
export type KvsConnection = {
  readonly clients: KvsClients;
  /** Set with --local: where the in-process emulator listens, for -v output. */
  readonly localUrl?: string;
  close(): Promise<void>;
};

/**
 * Create the SDK clients from --region/--profile/--endpoint-url (credentials from the SDK chain), or, with
 * --local, start the bundled emulator on 127.0.0.1 with its demo streams ending now and talk to it with the
 * local credentials, so `kvs-clip get demo --local --since 1h` works without an AWS account.
 * Rejects when the emulator cannot start; SDK configuration problems surface on the first call.
 */
export async function openKvsClients(
  aws: AwsOptions,
  io: CliIo,
  options: { connectTimeoutMs?: number } = {},
): Promise<KvsConnection> {
  const connectTimeoutMs = options.connectTimeoutMs ?? aws.connectTimeoutMs;
  const timeout = {
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    ...(aws.readTimeoutMs === undefined ? {} : { readTimeoutMs: aws.readTimeoutMs }),
    // -vv: the request log goes straight to stderr (no bar is drawn with -vv, so nothing tears).
    ...(aws.logRequests ? { requestLog: (line: string) => void io.stderr.write(`debug: ${line}\n`) } : {}),
  };
  if (!aws.local) {
    const clients = createKvsClients({
      ...timeout,
      ...(aws.region === undefined ? {} : { region: aws.region }),
      ...(aws.profile === undefined ? {} : { profile: aws.profile }),
      ...(aws.endpointUrl === undefined ? {} : { endpointUrl: aws.endpointUrl }),
    });
    return { clients, close: () => Promise.resolve(clients.destroy()) };
  }
  // Only --local runs the emulator: importing it here keeps its server and MP4 synthesis out of every AWS run.
  const [{ startEmulator }, { demoStreams }, { LOCAL_CREDENTIALS }] = await Promise.all([
    import('../../emulator/start-emulator.js'),
    import('../../emulator/demo-streams.js'),
    import('../../emulator/local-credentials.js'),
  ]);
  const emulator = await startEmulator({ streams: demoStreams(io.now()) });
  const clients = createKvsClients({
    ...timeout,
    region: emulator.region,
    endpointUrl: emulator.url,
    credentials: { ...(emulator.credentials ?? LOCAL_CREDENTIALS) },
  });
  return {
    clients,
    localUrl: emulator.url,
    close: async () => {
      clients.destroy();
      await emulator.close();
    },
  };
}
