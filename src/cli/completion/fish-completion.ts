import type { CompletionArgument, CompletionCommand, CompletionModel, CompletionOption } from './completion-model.js';

/**
 * The fish completion script for a CompletionModel: one `complete` line per command and option, with choices,
 * file completion, and stream names from the hidden `__complete streams` for the first positional.
 */
export function fishCompletion(model: CompletionModel): string {
  const p = model.program;
  const fn = `__${p.replaceAll('-', '_')}`;
  const valued = [
    ...new Set(
      [...model.options, ...model.commands.flatMap((c) => c.options)]
        .filter((option) => option.value !== undefined)
        .flatMap((option) => option.flags),
    ),
  ];
  const lines = [
    `# fish completion for ${p}. Generated from the command tree by write-completions; do not edit.`,
    `# Use: ${p} completion fish > ~/.config/fish/completions/${p}.fish`,
    '',
    '# Succeeds when the word being completed is positional argument number $argv[1] (from 0) after the command.',
    `function ${fn}_argument_is`,
    `    set -l valued ${valued.join(' ')}`,
    '    set -l tokens (commandline -opc)',
    '    set -l count -1',
    '    set -l skip 0',
    '    for token in $tokens[2..-1]',
    '        if test $skip -eq 1',
    '            set skip 0',
    '        else if string match -q -- "-*" $token',
    '            contains -- $token $valued; and set skip 1',
    '        else',
    '            set count (math $count + 1)',
    '        end',
    '    end',
    '    test $count -eq $argv[1]',
    'end',
    '',
    `function ${fn}_streams`,
    `    command -q ${p}; and command ${p} __complete streams 2>/dev/null`,
    'end',
    '',
    `complete -c ${p} -f`,
    ...model.options.map((option) => optionLine(p, '__fish_use_subcommand', option)),
    ...model.commands.flatMap((command) =>
      [command.name, ...command.aliases].map(
        (name) => `complete -c ${p} -n __fish_use_subcommand -a ${quote(name)} -d ${quote(command.description)}`,
      ),
    ),
    ...model.commands.flatMap((command) => commandLines(p, fn, command)),
    '',
  ];
  return lines.join('\n');
}

function commandLines(p: string, fn: string, command: CompletionCommand): string[] {
  const seen = `__fish_seen_subcommand_from ${[command.name, ...command.aliases].join(' ')}`;
  return [
    ...command.options.map((option) => optionLine(p, seen, option)),
    ...command.args.flatMap((argument, index) => argumentLine(p, fn, seen, argument, index)),
  ];
}

function optionLine(p: string, condition: string, option: CompletionOption): string {
  const parts = [`complete -c ${p} -n ${quote(condition)}`];
  for (const flag of option.flags) parts.push(flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`);
  if (option.value !== undefined) {
    if (option.value.kind === 'choice') parts.push(`-x -a ${quote(option.value.choices.join(' '))}`);
    else if (option.value.kind === 'file') parts.push('-r -F');
    else parts.push('-x');
  }
  parts.push(`-d ${quote(option.description)}`);
  return parts.join(' ');
}

function argumentLine(p: string, fn: string, seen: string, argument: CompletionArgument, index: number): string[] {
  // A variadic argument completes at every position from its own on; fish has no "at least" test, so its files
  // are offered whenever the command is seen.
  const condition = argument.variadic ? seen : `${seen}; and ${fn}_argument_is ${index}`;
  switch (argument.kind) {
    case 'choice':
      return [`complete -c ${p} -n ${quote(condition)} -a ${quote(argument.choices.join(' '))}`];
    case 'file':
      return [`complete -c ${p} -n ${quote(condition)} -F`];
    case 'stream':
      return [`complete -c ${p} -n ${quote(condition)} -a '(${fn}_streams)'`];
    case 'text':
      return [];
  }
}

function quote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
