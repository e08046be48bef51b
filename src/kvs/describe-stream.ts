import type { KinesisVideoClient, StreamInfo } from '@aws-sdk/client-kinesis-video';
import { RemoteError } from '../errors/remote-error.js';
import { kinesisVideoSdk } from './load-sdk.js';
import { mapSdkError } from './map-sdk-error.js';
import { streamFields, streamLabel, type StreamRef } from './stream-ref.js';

/**
 * What kvs-clip needs to know about a stream (DescribeStream / ListStreams StreamInfo, docs/planning.md, "How KVS
 * selects fragments").
 */
export type StreamDescription = {
  readonly name: string;
  readonly arn: string;
  /** CREATING | ACTIVE | UPDATING | DELETING. */
  readonly status: string;
  /** 0 means no archive: nothing can be downloaded (NoDataRetentionException). */
  readonly retentionHours: number;
  readonly mediaType: string | undefined;
  readonly creationMs: number | undefined;
};

/** Converts the SDK's StreamInfo; throws RemoteError when the service left out the name or ARN. */
export function toStreamDescription(info: StreamInfo, op: string): StreamDescription {
  if (info.StreamName === undefined || info.StreamARN === undefined) {
    throw new RemoteError('E_REMOTE', `${op} returned a stream without name or ARN`);
  }
  return {
    name: info.StreamName,
    arn: info.StreamARN,
    status: info.Status ?? 'UNKNOWN',
    retentionHours: info.DataRetentionInHours ?? 0,
    mediaType: info.MediaType,
    creationMs: info.CreationTime?.getTime(),
  };
}

/**
 * DescribeStream (checklist step 1, docs/planning.md): existence, status and retention. Throws NotFoundError
 * E_STREAM_NOT_FOUND for an unknown stream, or another mapped KvsClipError.
 */
export async function describeStream(
  control: KinesisVideoClient,
  request: { stream: StreamRef; signal?: AbortSignal },
): Promise<StreamDescription> {
  const label = streamLabel(request.stream);
  const { DescribeStreamCommand } = kinesisVideoSdk();
  try {
    const output = await control.send(
      new DescribeStreamCommand(streamFields(request.stream)),
      request.signal === undefined ? {} : { abortSignal: request.signal },
    );
    if (output.StreamInfo === undefined)
      throw new RemoteError('E_REMOTE', `DescribeStream for stream "${label}" returned no StreamInfo`);
    return toStreamDescription(output.StreamInfo, 'DescribeStream');
  } catch (error) {
    throw mapSdkError(error, {
      op: 'DescribeStream',
      stream: label,
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
  }
}
