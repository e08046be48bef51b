import { Argument, Command } from 'commander';
import type { CliIo } from '../io.js';
import { SHELLS, type Shell } from '../completion/shells.js';

/**
 * Build `kvs-clip completion <bash|zsh|fish>`: prints the script for the program that contains this command.
 * It never edits rc files (README.md).
 */
export function completionCommand(io: CliIo): Command {
  return new Command('completion')
    .description('print a shell completion script to stdout')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText(
      'after',
      `
Examples:
  source <(kvs-clip completion bash)
  kvs-clip completion zsh > "\${fpath[1]}/_kvs-clip"
  kvs-clip completion fish > ~/.config/fish/completions/kvs-clip.fish`,
    )
    .action(async (shell: Shell, _values: unknown, self: Command) => {
      const root = self.parent ?? self;
      // The generators are needed by this command only; every other start-up skips them.
      const { completionScript } = await import('../completion/completion-script.js');
      io.stdout.write(completionScript(root, shell));
    });
}
