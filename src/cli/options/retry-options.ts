import { Option, type Command, type OptionValues } from 'commander';
import { GET_DEFAULTS } from '../../clip/get-defaults.js';
import { numberOption } from './option-values.js';
import { durationParser, integerParser } from './parse-number.js';

/** The retry budget of every remote call a command makes (`--retries`, `--retry-max-time`). */
export type RetryOptions = {
  readonly retries: number;
  readonly retryMaxTimeMs: number;
};

/** Add `--retries` and `--retry-max-time` (defaults from src/clip/get-defaults.ts) to get, list, streams and images. */
export function addRetryOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--retries <n>', 'retries per remote call')
        .argParser(integerParser(0, 100))
        .default(GET_DEFAULTS.download.retries),
    )
    .addOption(
      new Option('--retry-max-time <duration>', 'give up retrying one call after this long')
        .argParser(durationParser('--retry-max-time'))
        .default(GET_DEFAULTS.download.retryMaxTimeMs, '10m'),
    );
}

/** Read the options addRetryOptions added. */
export function readRetryOptions(values: OptionValues): RetryOptions {
  return {
    retries: numberOption(values, 'retries', GET_DEFAULTS.download.retries),
    retryMaxTimeMs: numberOption(values, 'retryMaxTime', GET_DEFAULTS.download.retryMaxTimeMs),
  };
}
