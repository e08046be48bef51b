import { spawn } from 'node:child_process';
import { IncompleteError } from '../errors/incomplete-error.js';

/** Quotes a path for a POSIX shell: the output path may hold characters the shell would interpret. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * Runs the `--exec 'CMD {}'` hook after the output is in place (docs/resume-and-state.md, "Cron state"): `{}` becomes
 * the shell-quoted output path (appended when the command has no `{}`), run by `/bin/sh -c` with its stdout and stderr
 * sent to our stderr (stdout carries data only, docs/README.md, "House rules"). Resolves on exit 0. Throws
 * IncompleteError `E_HOOK` (exit 8) for a non-zero exit, a signal, or a hook that cannot start: the output stays in
 * place either way.
 */
export async function runHook(
  command: string,
  outputPath: string,
  options: { cwd: string; signal: AbortSignal },
): Promise<void> {
  const quoted = shellQuote(outputPath);
  const line = command.includes('{}') ? command.replaceAll('{}', quoted) : `${command} ${quoted}`;
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      const child = spawn('/bin/sh', ['-c', line], {
        cwd: options.cwd,
        stdio: ['ignore', 2, 2],
        signal: options.signal,
      });
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    },
  );
  if (outcome.code === 0) return;
  const how =
    outcome.error !== undefined
      ? `could not start (${outcome.error.message})`
      : outcome.signal !== null
        ? `was killed by ${outcome.signal}`
        : `exited with ${String(outcome.code)}`;
  throw new IncompleteError('E_HOOK', `The --exec hook ${how}: ${command}`, {
    hint: `The output is complete at ${outputPath}; only the hook failed`,
    ...(outcome.error === undefined ? {} : { cause: outcome.error }),
  });
}
