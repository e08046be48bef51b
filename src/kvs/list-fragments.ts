import type {
  Fragment as SdkFragment,
  KinesisVideoArchivedMediaClient,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { RemoteError } from '../errors/remote-error.js';
import type { Selector } from '../plan/fragment.js';
import { createTableBuilder, type FragmentTable, type TableBuilder } from '../plan/fragment-table.js';
import { sortFragments } from '../plan/sort-fragments.js';
import { archivedMediaSdk } from './load-sdk.js';
import { mapSdkError } from './map-sdk-error.js';
import { streamFields, streamLabel, type StreamRef } from './stream-ref.js';

/** A selector and an inclusive time range in epoch ms: what ListFragments and GetClip select by. */
export type FragmentQuery = { readonly selector: Selector; readonly startMs: number; readonly endMs: number };

/** The wire name of a selector (FragmentSelectorType / ClipFragmentSelectorType). */
export function selectorType(selector: Selector): 'SERVER_TIMESTAMP' | 'PRODUCER_TIMESTAMP' {
  return selector === 'server' ? 'SERVER_TIMESTAMP' : 'PRODUCER_TIMESTAMP';
}

/** A guard against a service that keeps handing out NextTokens (10 M fragments at 1000 per page). */
const MAX_PAGES = 10_000;

/** Appends one listed fragment to the table (epoch ms); throws RemoteError E_REMOTE for an incomplete one. */
function appendFragment(table: TableBuilder, fragment: SdkFragment, stream: string): void {
  const { FragmentNumber, ProducerTimestamp, ServerTimestamp, FragmentLengthInMilliseconds, FragmentSizeInBytes } =
    fragment;
  if (
    FragmentNumber === undefined ||
    !/^[0-9]+$/.test(FragmentNumber) ||
    ProducerTimestamp === undefined ||
    ServerTimestamp === undefined ||
    FragmentLengthInMilliseconds === undefined ||
    FragmentSizeInBytes === undefined
  ) {
    throw new RemoteError(
      'E_REMOTE',
      `ListFragments for stream "${stream}" returned an incomplete fragment: ${JSON.stringify(fragment)}`,
    );
  }
  table.push({
    fragmentNumber: FragmentNumber,
    producerMs: ProducerTimestamp.getTime(),
    serverMs: ServerTimestamp.getTime(),
    durationMs: FragmentLengthInMilliseconds,
    sizeBytes: FragmentSizeInBytes,
  });
}

/**
 * Every fragment of `query` (all pages, `MaxResults: 1000`) as a columnar table (each page copied into it as it
 * arrives, so the SDK's objects of a page die young), converted to epoch ms and sorted/deduplicated by
 * sortFragments, since ListFragments returns "no specific order, even across pages" (docs/planning.md, "How KVS selects
 * fragments"). `beforeRequest` runs before each page (pacing: ListFragments allows 5 TPS per stream). Throws the mapped
 * KvsClipError (E_NO_MEDIA for a 404, E_USAGE for a range the service rejects, …).
 */
export async function listFragments(
  client: KinesisVideoArchivedMediaClient,
  request: {
    stream: StreamRef;
    query: FragmentQuery;
    signal?: AbortSignal;
    beforeRequest?: (signal?: AbortSignal) => Promise<void>;
  },
): Promise<FragmentTable> {
  const { stream, query, signal } = request;
  const label = streamLabel(stream);
  const fragments = createTableBuilder();
  let nextToken: string | undefined;
  try {
    const { ListFragmentsCommand } = archivedMediaSdk();
    for (let page = 0; page < MAX_PAGES; page++) {
      await request.beforeRequest?.(signal);
      // The selector is re-sent with NextToken, as the SDK's own paginator does (docs/planning.md, "How KVS selects
      // fragments").
      const output = await client.send(
        new ListFragmentsCommand({
          ...streamFields(stream),
          MaxResults: 1000,
          FragmentSelector: {
            FragmentSelectorType: selectorType(query.selector),
            TimestampRange: { StartTimestamp: new Date(query.startMs), EndTimestamp: new Date(query.endMs) },
          },
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
        signal === undefined ? {} : { abortSignal: signal },
      );
      for (const fragment of output.Fragments ?? []) appendFragment(fragments, fragment, label);
      nextToken = output.NextToken === undefined || output.NextToken === '' ? undefined : output.NextToken;
      if (nextToken === undefined) return sortFragments(fragments.finish(), query.selector);
    }
  } catch (error) {
    throw mapSdkError(error, { op: 'ListFragments', stream: label, ...(signal === undefined ? {} : { signal }) });
  }
  throw new RemoteError('E_REMOTE', `ListFragments for stream "${label}" did not finish after ${MAX_PAGES} pages`);
}
