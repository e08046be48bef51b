import { InvalidArgumentError, Option, type Command, type OptionValues } from 'commander';
import { flagOption, stringOption } from './option-values.js';

/** Where and as whom to call KVS. Credentials come from the SDK's standard chain, never from flags. */
export type AwsOptions = {
  readonly region?: string;
  readonly profile?: string;
  /** Control-plane endpoint; the data endpoint is still discovered with GetDataEndpoint. */
  readonly endpointUrl?: string;
  /** `--local`: start the bundled emulator in-process with demo streams and local credentials. */
  readonly local: boolean;
};

/** Add --region, --profile, --endpoint-url and --local (ux.md §1) to a command. */
export function addAwsOptions(command: Command): Command {
  return command
    .option('--region <region>', 'AWS region (default: the SDK chain, e.g. AWS_REGION)')
    .option('--profile <name>', 'AWS shared-config profile')
    .addOption(
      new Option('--endpoint-url <url>', "control-plane endpoint, e.g. the emulator's").argParser(parseEndpointUrl),
    )
    .addOption(
      new Option('--local', 'use the bundled emulator in-process, with demo streams and local credentials').conflicts([
        'endpointUrl',
        'profile',
      ]),
    );
}

/** Read the options added by addAwsOptions. */
export function readAwsOptions(values: OptionValues): AwsOptions {
  const region = stringOption(values, 'region');
  const profile = stringOption(values, 'profile');
  const endpointUrl = stringOption(values, 'endpointUrl');
  return {
    ...(region === undefined ? {} : { region }),
    ...(profile === undefined ? {} : { profile }),
    ...(endpointUrl === undefined ? {} : { endpointUrl }),
    local: flagOption(values, 'local'),
  };
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
