import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { addAwsOptions, readAwsOptions, type AwsOptions } from '../options/aws-options.js';
import { stringOption } from '../options/option-values.js';
import { addRetryOptions, readRetryOptions, type RetryOptions } from '../options/retry-options.js';
import { addOutputModeOptions, readOutputMode, type OutputMode } from '../options/output-mode.js';
import { streamArgument, streamArnOption } from '../options/stream-options.js';
import { addTimeOptions, readTimeSpec, type TimeSpec } from '../options/time-options.js';
import { successDocument, writeJsonDocument, type ListJsonResult } from '../render/json.js';

/** `kvs-clip list`: which spans of a window hold fragments (ListFragments only, no GetClip). */
export type ListOptions = {
  readonly stream: string;
  readonly streamArn?: string;
  readonly time: TimeSpec;
  readonly aws: AwsOptions;
  readonly mode: OutputMode;
  /** `--retries`, `--retry-max-time`: the same budget `get` gives each call. */
  readonly download: RetryOptions;
  /** Print a one-line coverage bar (footage vs gaps) above the table. */
  readonly chart: boolean;
};

export type ListCommandDeps = {
  readonly io: CliIo;
  readonly runList: (options: ListOptions) => Promise<ListJsonResult>;
};

/** Build `kvs-clip list|ls <stream> [range]`. */
export function listCommand(deps: ListCommandDeps): Command {
  const command = new Command('list')
    .alias('ls')
    .description('show coverage and gaps of a time range (ListFragments only)')
    .addArgument(streamArgument())
    .argument('[range]', 'time range, e.g. "today", "last 6 hours"')
    .addOption(streamArnOption())
    .option(
      '--chart',
      'also draw the window as a coverage bar, one character per time bucket, as wide as the terminal',
    );
  addTimeOptions(command);
  addRetryOptions(command);
  addAwsOptions(command);
  addOutputModeOptions(command, { progress: 'page counter' });
  command.addHelpText(
    'after',
    `
Examples:
  kvs-clip list cam1 --since 6h
  kvs-clip ls cam1 yesterday --json
  kvs-clip list cam1 today --chart`,
  );
  return command.action(async (stream: string, range: string | undefined, _values: unknown, self: Command) => {
    const values = self.opts();
    const streamArn = stringOption(values, 'streamArn');
    const options: ListOptions = {
      stream,
      ...(streamArn === undefined ? {} : { streamArn }),
      time: readTimeSpec(self, range, deps.io),
      aws: readAwsOptions(values, deps.io.env),
      mode: readOutputMode(values, deps.io),
      download: readRetryOptions(values),
      chart: values['chart'] === true,
    };
    const result = await deps.runList(options);
    if (options.mode.json) writeJsonDocument(deps.io, successDocument(result));
  });
}
