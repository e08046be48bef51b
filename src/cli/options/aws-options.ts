import { InvalidArgumentError, Option, type Command, type OptionValues } from 'commander';
import { matchDuration } from '../../time/parse-duration.js';
import { flagOption, stringOption } from './option-values.js';
import { verbosity } from './output-mode.js';

/** Where and as whom to call KVS. Credentials come from the SDK's standard chain, never from flags. */
export type AwsOptions = {
  readonly region?: string;
  readonly profile?: string;
  /** Control-plane endpoint; the data endpoint is still discovered with GetDataEndpoint. */
  readonly endpointUrl?: string;
  /** `--local`: start the bundled emulator in-process with demo streams and local credentials. */
  readonly local: boolean;
  /** `--connect-timeout`: give up opening a connection after this long (default in src/kvs/clients.ts: 10 s). */
  readonly connectTimeoutMs?: number;
  /** `--read-timeout`: give up on a response (headers or body) that sends nothing for this long (default 30 s). */
  readonly readTimeoutMs?: number;
  /** `-vv`: log every SDK request and response on stderr (src/kvs/request-log.ts). */
  readonly logRequests: boolean;
};

/** Add --region, --profile, --endpoint-url, --local and the two network timeouts to a command. */
export function addAwsOptions(command: Command): Command {
  return command
    .option('--region <region>', "AWS region (default: AWS_REGION, then AWS_DEFAULT_REGION, then the profile's region)")
    .option('--profile <name>', 'AWS shared-config profile')
    .addOption(
      new Option('--endpoint-url <url>', "control-plane endpoint, e.g. the emulator's").argParser(parseEndpointUrl),
    )
    .addOption(
      new Option('--local', 'use the bundled emulator in-process, with demo streams and local credentials').conflicts([
        'endpointUrl',
        'profile',
      ]),
    )
    .addOption(
      new Option(
        '--connect-timeout <seconds>',
        'give up connecting to an endpoint after this long (default: 10)',
      ).argParser(timeoutParser),
    )
    .addOption(
      new Option(
        '--read-timeout <seconds>',
        'give up on a response that sends nothing for this long, then retry (default: 30)',
      ).argParser(timeoutParser),
    );
}

// Seconds as curl and the AWS CLI take them (`--read-timeout 2.5`), or a duration (`500ms`, `1m`).
function timeoutParser(value: string): number {
  const text = value.trim();
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : (matchDuration(text) ?? Number.NaN);
  if (!Number.isFinite(ms) || ms < 1 || ms > 3_600_000) {
    throw new InvalidArgumentError('Expected seconds from 0.001 to 3600 (e.g. 10) or a duration (e.g. 500ms, 1m).');
  }
  return Math.round(ms);
}

/**
 * Read the options added by addAwsOptions. Without --region, AWS_REGION is the SDK's own; AWS_DEFAULT_REGION (the AWS
 * CLI's, which SDK v3 ignores) is honoured next, before the profile's region, in the AWS CLI's order.
 */
export function readAwsOptions(
  values: OptionValues,
  env: Readonly<Record<string, string | undefined>> = {},
): AwsOptions {
  const region = stringOption(values, 'region') ?? defaultRegionFromEnv(env);
  const profile = stringOption(values, 'profile');
  const endpointUrl = stringOption(values, 'endpointUrl');
  const connectTimeoutMs = numberValue(values, 'connectTimeout');
  const readTimeoutMs = numberValue(values, 'readTimeout');
  return {
    ...(region === undefined ? {} : { region }),
    ...(profile === undefined ? {} : { profile }),
    ...(endpointUrl === undefined ? {} : { endpointUrl }),
    local: flagOption(values, 'local'),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    ...(readTimeoutMs === undefined ? {} : { readTimeoutMs }),
    logRequests: verbosity(values) >= 2,
  };
}

function defaultRegionFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if ((env['AWS_REGION'] ?? '') !== '') return undefined;
  const fallback = env['AWS_DEFAULT_REGION'];
  return fallback === undefined || fallback === '' ? undefined : fallback;
}

function numberValue(values: OptionValues, key: string): number | undefined {
  const value: unknown = values[key];
  return typeof value === 'number' ? value : undefined;
}

function parseEndpointUrl(value: string): string {
  const expected = 'Expected an http:// or https:// URL, e.g. http://127.0.0.1:4567.';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(expected);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(expected);
  return value;
}
