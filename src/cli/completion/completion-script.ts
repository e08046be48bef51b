import type { Command } from 'commander';
import { bashCompletion } from './bash-completion.js';
import { completionModel } from './completion-model.js';
import { fishCompletion } from './fish-completion.js';
import type { Shell } from './shells.js';
import { zshCompletion } from './zsh-completion.js';

/** The completion script for one shell, generated from the live commander tree (the same text as completions/). */
export function completionScript(program: Command, shell: Shell): string {
  const model = completionModel(program);
  switch (shell) {
    case 'bash':
      return bashCompletion(model);
    case 'zsh':
      return zshCompletion(model);
    case 'fish':
      return fishCompletion(model);
  }
}

/** Where write-completions puts each script, relative to the package root (README.md). */
export const COMPLETION_FILES: Readonly<Record<Shell, string>> = {
  bash: 'completions/kvs-clip.bash',
  zsh: 'completions/_kvs-clip',
  fish: 'completions/kvs-clip.fish',
};
