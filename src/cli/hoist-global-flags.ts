import type { Command, Option } from 'commander';

/**
 * `kvs-clip --region eu-west-1 get cam1 …` and `kvs-clip -v list …`: flags written before the command name are
 * moved behind it, so every command's own flags work in either place (git, aws and kubectl accept both). The words
 * before the first command name are moved only when they read as flags of that command: a value-taking flag takes
 * the next word, and `--` or a word that is no flag stops the search. Anything else (`kvs-clip --help`, `kvs-clip -V`,
 * a command line without a command) is returned unchanged, for commander to judge. Pure.
 */
export function hoistGlobalFlags(program: Command, argv: readonly string[]): readonly string[] {
  if (argv.length === 0 || !argv[0]?.startsWith('-')) return argv;
  for (let at = 1; at < argv.length; at += 1) {
    const command = commandNamed(program, argv[at] ?? '');
    if (command === undefined) continue;
    const leading = argv.slice(0, at);
    if (!readsAsFlags(command, leading)) continue;
    return [argv[at] ?? '', ...leading, ...argv.slice(at + 1)];
  }
  return argv;
}

function commandNamed(program: Command, word: string): Command | undefined {
  return program.commands.find((command) => command.name() === word || command.aliases().includes(word));
}

/** True when `words` are exactly a sequence of `command`'s own flags with their values, and no root-only flag. */
function readsAsFlags(command: Command, words: readonly string[]): boolean {
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    if (!word.startsWith('-') || word === '--' || word === '-') return false;
    const name = word.split('=', 1)[0] ?? word;
    const option = findOption(command, name);
    if (option === undefined) {
      // Combined short booleans (`-vq`, `-vv`) are fine; anything else unknown stays where it was.
      if (!/^-[a-zA-Z]{2,}$/.test(word) || ![...word.slice(1)].every((c) => isBoolean(findOption(command, `-${c}`))))
        return false;
      continue;
    }
    if (takesValue(option) && !word.includes('=')) i += 1;
    if (i >= words.length) return false;
  }
  return true;
}

function findOption(command: Command, flag: string): Option | undefined {
  return command.options.find((option) => option.short === flag || option.long === flag);
}

function isBoolean(option: Option | undefined): boolean {
  return option !== undefined && !takesValue(option);
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}
