import { Option, type Command, type OptionValues } from 'commander';
import type { CliIo } from '../io.js';
import { flagOption } from './option-values.js';

/** How a command talks to the terminal, decided once from the flags and the TTY/env facts. */
export type OutputMode = {
  /** `--json`: one JSON document on stdout at exit, nothing else on stdout. */
  readonly json: boolean;
  /** `-q`: errors only on stderr. */
  readonly quiet: boolean;
  /** `-v`: request ids, retries, endpoint refreshes; stack and cause chain on errors. */
  readonly verbose: boolean;
  /** Draw the progress bar: stderr is a TTY and none of -q, --json, --no-progress. */
  readonly progress: boolean;
  /** Colour on stderr: a TTY, no NO_COLOR, no --no-color. */
  readonly color: boolean;
};

/** Add --json, -q, -v, --no-progress, --no-color (README.md) to a command. */
export function addOutputModeOptions(command: Command, { progress }: { progress: boolean }): Command {
  command
    .option('--json', 'print one JSON document on stdout at exit (success or failure)')
    .addOption(new Option('-q, --quiet', 'print errors only').conflicts('verbose'))
    .option('-v, --verbose', 'print request ids, retries and error causes');
  // Accepted everywhere, so one set of flags works for every command in a script (`list --no-progress`).
  command.option('--no-progress', progress ? 'never draw the progress bar' : 'accepted for scripts (no bar here)');
  return command.option('--no-color', 'never use colour (NO_COLOR is honoured too)');
}

/** Read the output mode of a command built with addOutputModeOptions. */
export function readOutputMode(values: OptionValues, io: CliIo): OutputMode {
  const json = flagOption(values, 'json');
  const quiet = flagOption(values, 'quiet');
  const progressFlag = values['progress'] === true;
  const noColorEnv = io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '';
  return {
    json,
    quiet,
    verbose: flagOption(values, 'verbose'),
    progress: progressFlag && io.stderrIsTTY && !quiet && !json,
    color: flagOption(values, 'color') && io.stderrIsTTY && !noColorEnv,
  };
}
