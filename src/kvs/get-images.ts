import type { KinesisVideoArchivedMediaClient } from '@aws-sdk/client-kinesis-video-archived-media';
import { RemoteError } from '../errors/remote-error.js';
import type { Selector } from '../plan/fragment.js';
import { selectorType } from './list-fragments.js';
import { archivedMediaSdk } from './load-sdk.js';
import { mapSdkError } from './map-sdk-error.js';
import { streamFields, streamLabel, type StreamRef } from './stream-ref.js';

/** One GetImages page request (docs/images.md, "GetImages"). Instants are epoch ms; the range is inclusive. */
export type ImagesQuery = {
  readonly selector: Selector;
  readonly startMs: number;
  readonly endMs: number;
  readonly samplingIntervalMs: number;
  readonly format: 'jpeg' | 'png';
  /** JPEG quality 1–100 (the service defaults to 80). */
  readonly quality?: number;
  readonly widthPixels?: number;
  readonly heightPixels?: number;
  /** Page size, 1–100 (the service pages at 25 whatever is asked). */
  readonly maxResults?: number;
  readonly nextToken?: string;
};

/** One sampled instant: the picture's bytes, or why there is none. */
export type SampledImage =
  | { readonly timestampMs: number; readonly bytes: Uint8Array }
  | { readonly timestampMs: number; readonly error: 'NO_MEDIA' | 'MEDIA_ERROR' };

export type ImagesPage = {
  readonly images: readonly SampledImage[];
  readonly nextToken: string | undefined;
  readonly requestId: string | undefined;
};

/**
 * One GetImages call (one page). Base64 content is decoded here, so callers only see bytes. Throws the mapped SDK
 * error (E_USAGE for a rejected request, E_THROTTLED, E_REMOTE, E_AUTH, E_NO_MEDIA for a stream without archive) or
 * RemoteError E_REMOTE for a reply without images or with an image that has neither content nor error.
 */
export async function getImagesPage(
  client: KinesisVideoArchivedMediaClient,
  request: { stream: StreamRef; query: ImagesQuery; signal?: AbortSignal },
): Promise<ImagesPage> {
  const { stream, query, signal } = request;
  const label = streamLabel(stream);
  try {
    const { GetImagesCommand } = archivedMediaSdk();
    const output = await client.send(
      new GetImagesCommand({
        ...streamFields(stream),
        ImageSelectorType: selectorType(query.selector),
        StartTimestamp: new Date(query.startMs),
        EndTimestamp: new Date(query.endMs),
        SamplingInterval: query.samplingIntervalMs,
        Format: query.format === 'png' ? 'PNG' : 'JPEG',
        ...(query.quality === undefined || query.format === 'png'
          ? {}
          : { FormatConfig: { JPEGQuality: String(query.quality) } }),
        ...(query.widthPixels === undefined ? {} : { WidthPixels: query.widthPixels }),
        ...(query.heightPixels === undefined ? {} : { HeightPixels: query.heightPixels }),
        ...(query.maxResults === undefined ? {} : { MaxResults: query.maxResults }),
        ...(query.nextToken === undefined ? {} : { NextToken: query.nextToken }),
      }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    const images = (output.Images ?? []).map((image): SampledImage => {
      const timestampMs = image.TimeStamp?.getTime();
      if (timestampMs === undefined) throw incomplete(label, 'an image without TimeStamp');
      if (image.Error === 'NO_MEDIA' || image.Error === 'MEDIA_ERROR') return { timestampMs, error: image.Error };
      if (image.ImageContent === undefined || image.ImageContent === '')
        throw incomplete(label, 'an image with neither ImageContent nor Error');
      return { timestampMs, bytes: new Uint8Array(Buffer.from(image.ImageContent, 'base64')) };
    });
    return { images, nextToken: output.NextToken, requestId: output.$metadata.requestId };
  } catch (error) {
    throw mapSdkError(error, { op: 'GetImages', stream: label, ...(signal === undefined ? {} : { signal }) });
  }
}

function incomplete(stream: string, what: string): RemoteError {
  return new RemoteError('E_REMOTE', `GetImages for stream "${stream}" returned ${what}`);
}
