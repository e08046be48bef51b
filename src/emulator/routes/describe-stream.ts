import type { EmulatedStream } from '../emulated-stream.js';
import { requireStream, type RequestBody } from '../request-fields.js';
import type { StreamStore } from '../store.js';
import { toWireSeconds } from '../wire-timestamp.js';

/** StreamInfo as DescribeStream and ListStreams return it (docs/planning.md, "How KVS selects fragments"). */
export function streamInfo(stream: EmulatedStream): Record<string, unknown> {
  const d = stream.description;
  return {
    ...(d.deviceName === undefined ? {} : { DeviceName: d.deviceName }),
    StreamName: d.name,
    StreamARN: d.arn,
    MediaType: d.mediaType,
    KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:alias/aws/kinesisvideo',
    Version: d.version,
    Status: 'ACTIVE',
    CreationTime: toWireSeconds(d.creationMs),
    DataRetentionInHours: d.retentionHours,
  };
}

/** POST /describeStream. Throws WireError InvalidArgument / ResourceNotFound. */
export function describeStream(body: RequestBody, store: StreamStore): Record<string, unknown> {
  return { StreamInfo: streamInfo(requireStream(body, store)) };
}
