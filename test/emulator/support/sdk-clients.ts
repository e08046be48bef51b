import { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { KinesisVideoArchivedMediaClient } from '@aws-sdk/client-kinesis-video-archived-media';
import { LOCAL_CREDENTIALS } from '../../../src/emulator/local-credentials.js';

/** Real SDK v3 clients pointed at an emulator URL, one attempt each (so every error surfaces as it was sent). */
export function sdkClients(
  url: string,
  credentials: { accessKeyId: string; secretAccessKey: string } = LOCAL_CREDENTIALS,
) {
  const config = { endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 };
  return { control: new KinesisVideoClient(config), media: new KinesisVideoArchivedMediaClient(config) };
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
