import { OutputError } from '../../errors/output-error.js';
import { toOutputError } from '../../output/to-output-error.js';

/**
 * Wraps a file-system failure as `OutputError('E_OUTPUT_WRITE')` in the words every other write failure uses
 * (`Could not write "x.part": no space left on device (ENOSPC)`, with its hint); our own errors pass through.
 */
export function asOutputError(cause: unknown, path: string): Error {
  if (cause instanceof OutputError) return cause;
  const code = cause instanceof Error && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  if (code !== undefined) return toOutputError(cause, path);
  return new OutputError('E_OUTPUT_WRITE', `Could not write "${path}": file system error`, { cause });
}
