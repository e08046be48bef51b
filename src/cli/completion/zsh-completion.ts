import type { CompletionArgument, CompletionCommand, CompletionModel, CompletionOption } from './completion-model.js';

/**
 * The zsh completion script (`_kvs-clip`) for a CompletionModel, built on `_arguments`. Works both autoloaded
 * from `$fpath` and sourced (`source <(kvs-clip completion zsh)`), in which case it registers itself with compdef.
 */
export function zshCompletion(model: CompletionModel): string {
  const fn = `_${model.program}`;
  const lines = [
    `#compdef ${model.program}`,
    `# zsh completion for ${model.program}. Generated from the command tree by write-completions; do not edit.`,
    `# Use: ${model.program} completion zsh > "\${fpath[1]}/_${model.program}", or source <(${model.program} completion zsh)`,
    '',
    '# Stream names from ListStreams (short timeout, silent on error).',
    `${fn}_streams() {`,
    '  local -a streams',
    `  streams=(\${(f)"$(command ${model.program} __complete streams 2>/dev/null)"})`,
    "  _describe -t streams 'stream' streams",
    '}',
    '',
    `${fn}() {`,
    '  local curcontext="$curcontext" state line',
    '  typeset -A opt_args',
    '  _arguments -C \\',
    ...model.options.flatMap(optionSpecs).map((spec) => `    ${spec} \\`),
    "    '1: :->command' \\",
    "    '*:: :->args'",
    '  case $state in',
    '    command)',
    '      local -a commands',
    '      commands=(',
    ...model.commands.flatMap((command) =>
      [command.name, ...command.aliases].map((name) => `        ${quote(`${name}:${sanitize(command.description)}`)}`),
    ),
    '      )',
    "      _describe -t commands 'command' commands",
    '      ;;',
    '    args)',
    '      case $line[1] in',
    ...model.commands.flatMap((command) => commandCase(command, fn)),
    '      esac',
    '      ;;',
    '  esac',
    '}',
    '',
    `if [[ "\${funcstack[1]}" == "${fn}" ]]; then`,
    `  ${fn} "$@"`,
    'else',
    `  compdef ${fn} ${model.program}`,
    'fi',
    '',
  ];
  return lines.join('\n');
}

function commandCase(command: CompletionCommand, fn: string): string[] {
  const specs = [
    ...command.options.flatMap(optionSpecs),
    ...command.args.map((argument, index) => argumentSpec(argument, index, fn)),
  ];
  return [
    `        ${[command.name, ...command.aliases].join('|')})`,
    '          _arguments \\',
    ...specs.map((spec, index) => `            ${spec}${index === specs.length - 1 ? '' : ' \\'}`),
    '          ;;',
  ];
}

function optionSpecs(option: CompletionOption): string[] {
  const description = `[${sanitize(option.description)}]`;
  return option.flags.map((flag) => {
    if (option.value === undefined) return quote(`${flag}${description}`);
    // `--long=` accepts "--long value" and "--long=value"; `-s+` accepts "-s value" and "-svalue".
    const marker = flag.startsWith('--') ? '=' : '+';
    return quote(
      `${flag}${marker}${description}:${option.value.name}:${action(option.value.kind, option.value.choices)}`,
    );
  });
}

function argumentSpec(argument: CompletionArgument, index: number, fn: string): string {
  const act = argument.kind === 'stream' ? `${fn}_streams` : action(argument.kind, argument.choices);
  if (argument.variadic) return quote(`*:${argument.name}:${act}`);
  return quote(`${index + 1}:${argument.required ? '' : ':'}${argument.name}:${act}`);
}

function action(kind: CompletionArgument['kind'], choices: readonly string[]): string {
  switch (kind) {
    case 'choice':
      return `(${choices.join(' ')})`;
    case 'file':
      return '_files';
    case 'stream':
      return '_files';
    case 'text':
      return ' ';
  }
}

/** Descriptions go inside `[...]` and `name:desc` pairs: keep them to characters zsh reads literally. */
function sanitize(text: string): string {
  return text.replaceAll(/[[\]]/g, '').replaceAll(':', '\\:').replaceAll('%', '%%');
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
