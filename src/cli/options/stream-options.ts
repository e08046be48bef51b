import { Argument, Option } from 'commander';
import { UsageError } from '../../errors/usage-error.js';

/** The KVS StreamName constraint (CreateStream / DescribeStream API reference). */
export const STREAM_NAME_PATTERN = '[a-zA-Z0-9_.-]{1,256}';
/** The KVS StreamARN constraint, plus its 1024-character limit. */
export const STREAM_ARN_PATTERN = 'arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+';

const NAME = new RegExp(`^${STREAM_NAME_PATTERN}$`);
const ARN = new RegExp(`^${STREAM_ARN_PATTERN}$`);

/**
 * A stream name as KVS would accept it, checked before any request so that a typo is one local usage error with the
 * pattern, not a server round-trip answered with a validation exception.
 * @throws UsageError E_USAGE naming the value and the pattern.
 */
export function parseStreamName(value: string): string {
  if (NAME.test(value)) return value;
  throw new UsageError('E_USAGE', `Invalid stream name ${JSON.stringify(value)}: expected ${STREAM_NAME_PATTERN}`, {
    hint: 'Stream names are 1 to 256 letters, digits, "_", "." or "-"; `kvs-clip streams` lists them',
  });
}

/**
 * A stream ARN (`--stream-arn`) in the shape KVS returns it.
 * @throws UsageError E_USAGE naming the value and the pattern.
 */
export function parseStreamArn(value: string): string {
  if (value.length <= 1024 && ARN.test(value)) return value;
  throw new UsageError('E_USAGE', `Invalid --stream-arn ${JSON.stringify(value)}: expected ${STREAM_ARN_PATTERN}`, {
    hint: 'e.g. arn:aws:kinesisvideo:eu-west-1:123456789012:stream/cam1/1718370000000 (`kvs-clip streams --json` shows them)',
  });
}

/** The `<stream>` argument of get, list and the commands that read one stream. */
export function streamArgument(): Argument {
  return new Argument('<stream>', 'stream name').argParser(parseStreamName);
}

/** `--stream-arn <arn>`, checked locally like the name. */
export function streamArnOption(description = 'address the stream by ARN'): Option {
  return new Option('--stream-arn <arn>', description).argParser(parseStreamArn);
}
