import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { addAwsOptions, readAwsOptions, type AwsOptions } from '../options/aws-options.js';
import { stringOption } from '../options/option-values.js';
import { addRetryOptions, readRetryOptions, type RetryOptions } from '../options/retry-options.js';
import { addOutputModeOptions, readOutputMode, type OutputMode } from '../options/output-mode.js';
import { successDocument, writeJsonDocument, type StreamsJsonResult } from '../render/json.js';

/** `kvs-clip streams`: ListStreams, optionally by name prefix. */
export type StreamsOptions = {
  readonly prefix?: string;
  readonly aws: AwsOptions;
  readonly mode: OutputMode;
  /** `--retries`, `--retry-max-time`: the same budget `get` gives each call. */
  readonly download: RetryOptions;
};

export type StreamsCommandDeps = {
  readonly io: CliIo;
  readonly runStreams: (options: StreamsOptions) => Promise<StreamsJsonResult>;
};

/** Build `kvs-clip streams [--prefix P]`. */
export function streamsCommand(deps: StreamsCommandDeps): Command {
  const command = new Command('streams')
    .description('list the streams in the account and region')
    .option('--prefix <prefix>', 'only streams whose name begins with PREFIX');
  addRetryOptions(command);
  addAwsOptions(command);
  addOutputModeOptions(command, { progress: 'none' });
  command.addHelpText(
    'after',
    `
Examples:
  kvs-clip streams --region eu-west-1
  kvs-clip streams --prefix cam --json`,
  );
  return command.action(async (_values: unknown, self: Command) => {
    const values = self.opts();
    const prefix = stringOption(values, 'prefix');
    const options: StreamsOptions = {
      ...(prefix === undefined ? {} : { prefix }),
      aws: readAwsOptions(values, deps.io.env),
      mode: readOutputMode(values, deps.io),
      download: readRetryOptions(values),
    };
    const result = await deps.runStreams(options);
    if (options.mode.json) writeJsonDocument(deps.io, successDocument(result));
  });
}
