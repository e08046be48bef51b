import type { Argument, Command, Option } from 'commander';

/** What a completion can offer for a value: nothing, files, stream names (dynamic), fixed choices, or free text. */
export type ValueKind = 'file' | 'stream' | 'choice' | 'text';

export type CompletionOption = {
  /** Every spelling, e.g. `['-o', '--output']`. */
  readonly flags: readonly string[];
  readonly description: string;
  /** Absent for boolean flags. */
  readonly value?: { readonly kind: ValueKind; readonly name: string; readonly choices: readonly string[] };
};

export type CompletionArgument = {
  readonly name: string;
  readonly kind: ValueKind;
  readonly choices: readonly string[];
  readonly required: boolean;
  readonly variadic: boolean;
};

export type CompletionCommand = {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  readonly options: readonly CompletionOption[];
  readonly args: readonly CompletionArgument[];
};

/** The shell-independent shape of the CLI, walked from the commander tree so completions never drift from it. */
export type CompletionModel = {
  readonly program: string;
  readonly options: readonly CompletionOption[];
  readonly commands: readonly CompletionCommand[];
};

// Options and arguments whose values are paths; everything else with a value is free text unless it has choices.
const FILE_OPTIONS = new Set(['--output', '--state', '--config', '--log-file', '--sheet']);
const FILE_ARGUMENTS = new Set(['inputs', 'file', 'files']);
const STREAM_ARGUMENTS = new Set(['stream']);

/**
 * Walk a commander program into a CompletionModel: every visible command with its aliases, options, value kinds
 * and choices. Hidden commands (`__complete`) and hidden options are left out, as in --help.
 */
export function completionModel(program: Command): CompletionModel {
  // Commander's own Help decides visibility, so completions list exactly what --help lists (including the
  // implicit -h/--help, -V/--version and `help [command]`).
  const help = program.createHelp();
  return {
    program: program.name(),
    options: help.visibleOptions(program).map(toOption),
    commands: help.visibleCommands(program).map((command) => ({
      name: command.name(),
      aliases: command.aliases(),
      description: command.description(),
      options: help.visibleOptions(command).map(toOption),
      args: command.registeredArguments.map(toArgument),
    })),
  };
}

function toOption(option: Option): CompletionOption {
  const flags = [option.short, option.long].filter((flag): flag is string => flag !== undefined);
  const base = { flags, description: option.description };
  if (!option.required && !option.optional) return base;
  const choices = option.argChoices ?? [];
  const kind: ValueKind = choices.length > 0 ? 'choice' : FILE_OPTIONS.has(option.long ?? '') ? 'file' : 'text';
  const name = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? 'value';
  return { ...base, value: { kind, name, choices } };
}

function toArgument(argument: Argument): CompletionArgument {
  const name = argument.name();
  const choices = argument.argChoices ?? [];
  const kind: ValueKind =
    choices.length > 0 ? 'choice' : STREAM_ARGUMENTS.has(name) ? 'stream' : FILE_ARGUMENTS.has(name) ? 'file' : 'text';
  return { name, kind, choices, required: argument.required, variadic: argument.variadic };
}
