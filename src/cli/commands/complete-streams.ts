import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { addAwsOptions, readAwsOptions, type AwsOptions } from '../options/aws-options.js';

/** How long shell completion may wait for ListStreams before giving up silently. */
export const COMPLETE_TIMEOUT_MS = 2_000;

export type CompleteStreamsOptions = {
  readonly aws: AwsOptions;
  /** Give up after this long, counted from the first request (module loading does not count). */
  readonly timeoutMs: number;
};

export type CompleteCommandDeps = {
  readonly io: CliIo;
  readonly listStreamNames: (options: CompleteStreamsOptions) => Promise<readonly string[]>;
};

/**
 * Build the hidden `kvs-clip __complete streams` used by the completion scripts: prints stream names, one per
 * line, and stays silent (exit 0, no output) on any error or timeout, because a shell is waiting on it.
 */
export function completeCommand(deps: CompleteCommandDeps): Command {
  const streams = new Command('streams').description('print stream names for shell completion');
  addAwsOptions(streams);
  streams.action(async (_values: unknown, self: Command) => {
    try {
      const names = await deps.listStreamNames({
        aws: readAwsOptions(self.opts(), deps.io.env),
        timeoutMs: COMPLETE_TIMEOUT_MS,
      });
      if (names.length > 0) deps.io.stdout.write(`${names.join('\n')}\n`);
    } catch {
      // Completion must never print an error into the user's command line.
    }
  });
  return new Command('__complete').description('completion helpers').addCommand(streams);
}
