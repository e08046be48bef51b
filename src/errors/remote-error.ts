import { KvsClipError, type KvsClipErrorOptions } from './kvs-clip-error.js';

/** Throttling, 5xx or network failure after all retries; running again later may succeed (exit 5). */
export class RemoteError extends KvsClipError {
  constructor(code: 'E_THROTTLED' | 'E_REMOTE', message: string, options: KvsClipErrorOptions = {}) {
    super(code, message, options);
  }
}

const KEPT_CLAUSE =
  /: finished parts are kept and not downloaded again| \(finished parts are kept\)|: finished parts are kept and only missing ones are uploaded/;

/**
 * The same failure for a run that kept nothing to resume from (no part finished, `-o -`, no listing, a command without
 * parts: streams, list, images, a join to S3): its hint no longer promises kept parts. Any other error is returned as
 * it is.
 */
export function withoutKeptParts(error: unknown): unknown {
  if (!(error instanceof RemoteError) || error.hint === undefined || !KEPT_CLAUSE.test(error.hint)) return error;
  const code = error.code === 'E_THROTTLED' ? 'E_THROTTLED' : 'E_REMOTE';
  return new RemoteError(code, error.message, {
    hint: error.hint.replace(KEPT_CLAUSE, ''),
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  });
}
