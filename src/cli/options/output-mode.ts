import { Option, type Command, type OptionValues } from 'commander';
import type { CliIo } from '../io.js';
import { flagOption } from './option-values.js';

/** `--progress STYLE`: auto (the default) is the bar on a terminal and plain lines elsewhere. */
export const PROGRESS_STYLES = ['auto', 'bar', 'lines', 'none'] as const;
export type ProgressStyle = (typeof PROGRESS_STYLES)[number];

/** How a command talks to the terminal, decided once from the flags and the TTY/env facts. */
export type OutputMode = {
  /** `--json`: one JSON document on stdout at exit, nothing else on stdout. */
  readonly json: boolean;
  /** `-q`: errors only on stderr. */
  readonly quiet: boolean;
  /** `-v`: request ids, retries, endpoint refreshes; stack and cause chain on errors. */
  readonly verbose: boolean;
  /** `-vv`: also one line per SDK request and response (operation, host and path, status, time; never headers). */
  readonly debug: boolean;
  /**
   * Redraw progress in place (get's bar, archive's live lines, list's page counter): `--progress bar`, or auto on a
   * TTY stderr; never with -q, --json, -vv (debug lines would tear it) or --no-progress.
   */
  readonly progress: boolean;
  /** Plain progress lines every `--progress-interval` instead: `--progress lines`, or auto off a terminal. */
  readonly progressLines: boolean;
  /** Colour on stderr: a TTY, no NO_COLOR, no --no-color. */
  readonly color: boolean;
};

/** How often `--progress lines` (the default off a terminal) prints a progress line while bytes arrive. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;

/** What a command's progress display is, for its --progress help. */
export type ProgressKind = 'bar' | 'upload bar' | 'live lines' | 'page counter' | 'none';

/** Add --json, -q, -v/-vv, --progress, --no-progress, --no-color (README.md, "Output and progress") to a command. */
export function addOutputModeOptions(command: Command, { progress }: { progress: ProgressKind }): Command {
  command
    .option('--json', 'print one JSON document on stdout at exit (success or failure)')
    .addOption(new Option('-q, --quiet', 'print errors only').conflicts('verbose'))
    .addOption(
      new Option('-v, --verbose', 'print request ids, retries and error causes; -vv also each SDK request and response')
        .argParser((_value: string | undefined, previous: number) => previous + 1)
        .default(0, 'off'),
    );
  // Accepted everywhere, so one set of flags works for every command in a script (`list --no-progress`).
  command.addOption(new Option('--progress <style>', progressHelp(progress)).choices(PROGRESS_STYLES));
  command.option(
    '--no-progress',
    progress === 'none' ? 'accepted for scripts (no progress here)' : 'same as --progress none',
  );
  return command.option('--no-color', 'never use colour (NO_COLOR is honoured too)');
}

function progressHelp(kind: ProgressKind): string {
  switch (kind) {
    case 'bar':
      return 'auto (default): a bar on a terminal, else a progress line every --progress-interval; bar, lines or none';
    case 'upload bar':
      return 'auto (default): with -o s3://, an upload bar on a terminal, else a line per part sent; bar, lines or none';
    case 'live lines':
      return 'auto (default): one live line per active stream on a terminal, else a line per segment; bar, lines or none';
    case 'page counter':
      return 'auto (default): a page counter while listing on a terminal, silent elsewhere; bar, lines or none';
    case 'none':
      return 'accepted for scripts (no progress here)';
  }
}

/** `-v` counts: 0 without it, 1 for -v, 2 for -vv or -v -v. */
export function verbosity(values: OptionValues): number {
  const value: unknown = values['verbose'];
  if (typeof value === 'number') return value;
  return value === true ? 1 : 0;
}

/** Read the output mode of a command built with addOutputModeOptions. */
export function readOutputMode(values: OptionValues, io: CliIo): OutputMode {
  const json = flagOption(values, 'json');
  const quiet = flagOption(values, 'quiet');
  const level = verbosity(values);
  const style = progressStyle(values);
  const shown = !quiet && !json;
  const noColorEnv = io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '';
  const progress = shown && level < 2 && (style === 'bar' || (style === 'auto' && io.stderrIsTTY));
  return {
    json,
    quiet,
    verbose: level >= 1,
    debug: level >= 2,
    progress,
    progressLines: shown && !progress && style !== 'none' && (style === 'lines' || style === 'auto' || level >= 2),
    color: flagOption(values, 'color') && io.stderrIsTTY && !noColorEnv,
  };
}

function progressStyle(values: OptionValues): ProgressStyle {
  const value: unknown = values['progress'];
  if (value === false) return 'none';
  return PROGRESS_STYLES.find((style) => style === value) ?? 'auto';
}
