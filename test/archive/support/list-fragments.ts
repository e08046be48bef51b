import { paginateListFragments } from '@aws-sdk/client-kinesis-video-archived-media';
import { LOCAL_CREDENTIALS } from '../../../src/emulator/local-credentials.js';
import type { RunningEmulator } from '../../../src/emulator/start-emulator.js';
import { sdkClients } from '../../emulator/support/sdk-clients.js';

/** Every fragment number ListFragments returns for [startMs, endMs) by server timestamp, in timestamp order. */
export async function listFragmentNumbers(
  emulator: Pick<RunningEmulator, 'url' | 'dataUrl'>,
  stream: string,
  startMs: number,
  endMs: number,
): Promise<string[]> {
  const { control, media } = sdkClients(emulator, LOCAL_CREDENTIALS, stream);
  const found: { number: string; ms: number }[] = [];
  try {
    const pages = paginateListFragments(
      { client: media },
      {
        StreamName: stream,
        FragmentSelector: {
          FragmentSelectorType: 'SERVER_TIMESTAMP',
          TimestampRange: { StartTimestamp: new Date(startMs), EndTimestamp: new Date(endMs - 1) },
        },
      },
    );
    for await (const page of pages)
      for (const fragment of page.Fragments ?? []) {
        const ms = fragment.ServerTimestamp?.getTime() ?? Number.NaN;
        if (ms >= startMs && ms < endMs) found.push({ number: fragment.FragmentNumber ?? '', ms });
      }
  } finally {
    control.destroy();
    media.destroy();
  }
  return found.sort((a, b) => a.ms - b.ms).map((fragment) => fragment.number);
}
