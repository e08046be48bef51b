import { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { KinesisVideoArchivedMediaClient } from '@aws-sdk/client-kinesis-video-archived-media';
import { LOCAL_CREDENTIALS } from '../../../src/emulator/local-credentials.js';
import type { RunningEmulator } from '../../../src/emulator/start-emulator.js';

/**
 * Real SDK v3 clients, one attempt each (so every error surfaces as it was sent): the control-plane client at the
 * emulator's URL, the archived-media client at the data endpoint of `stream` (default `cam`; the emulator's data
 * plane serves any stream under any of its data endpoints, as one AWS data host does for the streams it holds).
 */
export function sdkClients(
  emu: Pick<RunningEmulator, 'url' | 'dataUrl'>,
  credentials: { accessKeyId: string; secretAccessKey: string } = LOCAL_CREDENTIALS,
  stream = 'cam',
) {
  const config = { region: 'us-east-1', credentials, maxAttempts: 1 };
  return {
    control: new KinesisVideoClient({ ...config, endpoint: emu.url }),
    media: new KinesisVideoArchivedMediaClient({ ...config, endpoint: emu.dataUrl(stream) }),
  };
}

/** Awaits a promise expected to reject and returns the error (fails the test if it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected the call to fail, but it succeeded');
}
