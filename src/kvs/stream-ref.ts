/** How a command names its stream: by name, or by ARN (`--stream-arn`). */
export type StreamRef = { readonly streamName: string } | { readonly streamArn: string };

/** The StreamName/StreamARN member pair every KVS request carries (exactly one of them). */
export function streamFields(stream: StreamRef): { StreamName: string } | { StreamARN: string } {
  return 'streamArn' in stream ? { StreamARN: stream.streamArn } : { StreamName: stream.streamName };
}

/** The stream as messages show it. */
export function streamLabel(stream: StreamRef): string {
  return 'streamArn' in stream ? stream.streamArn : stream.streamName;
}
