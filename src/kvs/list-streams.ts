import { RemoteError } from '../errors/remote-error.js';
import type { KvsClients } from './clients.js';
import { toStreamDescription, type StreamDescription } from './describe-stream.js';
import { kinesisVideoSdk } from './load-sdk.js';
import { mapSdkError } from './map-sdk-error.js';

const MAX_PAGES = 1000;

/**
 * Every stream of the region, optionally only names beginning with `prefix` (`kvs-clip streams`, shell completion).
 * Follows NextToken to the end: page sizes vary in practice (docs/planning.md, "How KVS selects fragments"). Sorted by
 * name. Throws UsageError without a region, else the mapped KvsClipError (E_AUTH, E_THROTTLED, …).
 */
export async function listStreams(
  clients: KvsClients,
  options: { prefix?: string; signal?: AbortSignal; beforeRequest?: (signal?: AbortSignal) => Promise<void> } = {},
): Promise<StreamDescription[]> {
  const streams: StreamDescription[] = [];
  let nextToken: string | undefined;
  await clients.region();
  const control = clients.control;
  const { ListStreamsCommand } = kinesisVideoSdk();
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      await options.beforeRequest?.(options.signal);
      const output = await control.send(
        new ListStreamsCommand({
          MaxResults: 10_000,
          ...(options.prefix === undefined || options.prefix === ''
            ? {}
            : { StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: options.prefix } }),
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
        options.signal === undefined ? {} : { abortSignal: options.signal },
      );
      for (const info of output.StreamInfoList ?? []) streams.push(toStreamDescription(info, 'ListStreams'));
      nextToken = output.NextToken === undefined || output.NextToken === '' ? undefined : output.NextToken;
      if (nextToken === undefined) return streams.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
  } catch (error) {
    throw mapSdkError(error, {
      op: 'ListStreams',
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }
  throw new RemoteError('E_REMOTE', `ListStreams did not finish after ${MAX_PAGES} pages`);
}
