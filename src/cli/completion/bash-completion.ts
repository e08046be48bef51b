import type { CompletionArgument, CompletionCommand, CompletionModel, CompletionOption } from './completion-model.js';

/**
 * The bash completion script for a CompletionModel. Plain bash (no bash-completion helpers needed): finds the
 * subcommand, skips option values, then completes options, option values (choices, files) or positionals
 * (stream names via the hidden `__complete streams`, files, choices).
 */
export function bashCompletion(model: CompletionModel): string {
  const fn = `_${identifier(model.program)}`;
  const lines = [
    `# bash completion for ${model.program}. Generated from the command tree by write-completions; do not edit.`,
    `# Use: source <(${model.program} completion bash), or copy to`,
    `#   \${BASH_COMPLETION_USER_DIR:-\${XDG_DATA_HOME:-$HOME/.local/share}/bash-completion}/completions/${model.program}`,
    '',
    `${fn}_files() {`,
    "  local IFS=$'\\n'",
    '  compopt -o filenames 2>/dev/null',
    '  COMPREPLY=($(compgen -f -- "$cur"))',
    '}',
    '',
    '# Stream names from ListStreams (short timeout, silent on error), with the region/profile/endpoint typed so far.',
    `${fn}_streams() {`,
    '  local -a args=()',
    '  local i',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    case "${COMP_WORDS[i]}" in',
    '      --region|--profile|--endpoint-url) args+=("${COMP_WORDS[i]}" "${COMP_WORDS[i+1]}") ;;',
    '      --local) args+=(--local) ;;',
    '    esac',
    '  done',
    "  local IFS=$'\\n'",
    `  COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" __complete streams "\${args[@]}" 2>/dev/null)" -- "$cur"))`,
    '}',
    '',
    '# Sets opts (every flag) and valued (flags that take a value) for a command.',
    `${fn}_spec() {`,
    '  case "$1" in',
    `    '') opts=${quote(allFlags(model.options))}; valued=${quote(valuedFlags(model.options))} ;;`,
    ...model.commands.map(
      (command) =>
        `    ${names(command)}) opts=${quote(allFlags(command.options))}; valued=${quote(valuedFlags(command.options))} ;;`,
    ),
    `    *) opts=''; valued='' ;;`,
    '  esac',
    '}',
    '',
    '# Completes the value of option $2 of command $1.',
    `${fn}_value() {`,
    '  case "$1" in',
    ...model.commands.flatMap((command) => valueCase(command, fn)),
    '  esac',
    '}',
    '',
    '# Completes positional argument number $2 (from 0) of command $1.',
    `${fn}_argument() {`,
    '  case "$1" in',
    ...model.commands.flatMap((command) => argumentCase(command, fn)),
    '  esac',
    '}',
    '',
    `${fn}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" word opts="" valued="" i skip=0 nargs=0',
    '  COMPREPLY=()',
    `  ${fn}_spec ''`,
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    word="${COMP_WORDS[i]}"',
    '    prev="$word"',
    '    if ((skip)); then skip=0; continue; fi',
    '    if [[ $word == -* ]]; then',
    '      [[ $word != *=* && " $valued " == *" $word "* ]] && skip=1',
    '    elif [[ -z $cmd ]]; then',
    `      cmd="$word"; ${fn}_spec "$cmd"`,
    '    else',
    '      nargs=$((nargs + 1))',
    '    fi',
    '  done',
    `  if ((skip)); then ${fn}_value "$cmd" "$prev"; return 0; fi`,
    '  if [[ $cur == -* ]]; then',
    '    COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
    '  elif [[ -z $cmd ]]; then',
    `    COMPREPLY=($(compgen -W ${quote(model.commands.flatMap((c) => [c.name, ...c.aliases]).join(' '))} -- "$cur"))`,
    '  else',
    `    ${fn}_argument "$cmd" "$nargs"`,
    '  fi',
    '  return 0',
    '}',
    '',
    `complete -F ${fn} ${model.program}`,
    '',
  ];
  return lines.join('\n');
}

function valueCase(command: CompletionCommand, fn: string): string[] {
  const valued = command.options.filter((option) => option.value !== undefined && option.value.kind !== 'text');
  if (valued.length === 0) return [];
  return [
    `    ${names(command)})`,
    '      case "$2" in',
    ...valued.map((option) => `        ${option.flags.join('|')}) ${valueAction(option, fn)} ;;`),
    '      esac ;;',
  ];
}

function valueAction(option: CompletionOption, fn: string): string {
  if (option.value?.kind === 'choice') return choiceReply(option.value.choices);
  if (option.value?.kind === 'stream') return `${fn}_streams`;
  return `${fn}_files`;
}

function argumentCase(command: CompletionCommand, fn: string): string[] {
  const branches = command.args.flatMap((argument, index) => {
    const action = argumentAction(argument, fn);
    if (action === undefined) return [];
    const test = argument.variadic ? `$2 >= ${index}` : `$2 == ${index}`;
    return [`((${test})) && { ${action}; return 0; }`];
  });
  if (branches.length === 0) return [];
  return [`    ${names(command)})`, ...branches.map((branch) => `      ${branch}`), '      ;;'];
}

function argumentAction(argument: CompletionArgument, fn: string): string | undefined {
  switch (argument.kind) {
    case 'choice':
      return choiceReply(argument.choices);
    case 'file':
      return `${fn}_files`;
    case 'stream':
      return `${fn}_streams`;
    case 'text':
      return undefined;
  }
}

function choiceReply(choices: readonly string[]): string {
  return `COMPREPLY=($(compgen -W ${quote(choices.join(' '))} -- "$cur"))`;
}

function names(command: CompletionCommand): string {
  return [command.name, ...command.aliases].join('|');
}

function allFlags(options: readonly CompletionOption[]): string {
  return options.flatMap((option) => option.flags).join(' ');
}

function valuedFlags(options: readonly CompletionOption[]): string {
  return options
    .filter((option) => option.value !== undefined)
    .flatMap((option) => option.flags)
    .join(' ');
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function identifier(name: string): string {
  return name.replaceAll(/[^A-Za-z0-9_]/g, '_');
}
