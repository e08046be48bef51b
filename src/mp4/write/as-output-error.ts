import { OutputError } from '../../errors/output-error.js';

/** Wraps a file-system failure as `OutputError('E_OUTPUT_WRITE')`; our own errors pass through. */
export function asOutputError(cause: unknown, path: string): Error {
  if (cause instanceof OutputError) return cause;
  const code = cause instanceof Error && 'code' in cause && typeof cause.code === 'string' ? cause.code : 'error';
  return new OutputError('E_OUTPUT_WRITE', `Cannot write ${path}: ${code}`, { cause });
}
