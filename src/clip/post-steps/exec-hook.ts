import { runHook } from '../run-hook.js';
import type { PostStep } from './post-step.js';

/** `--exec 'CMD {}'` as a post-step: the command run by /bin/sh with `{}` replaced by the quoted output path. */
export function execHookStep(command: string): PostStep {
  return {
    id: 'exec',
    describe: () => `--exec ${command}`,
    run: (output, context) => runHook(command, output, context),
  };
}
