import { DEFAULT_RETRY_BUDGET } from '../../download/retry-policy.js';
import { withRetry } from '../../download/with-retry.js';
import { InternalError } from '../../errors/internal-error.js';
import { KvsClipError } from '../../errors/kvs-clip-error.js';
import { withoutKeptParts } from '../../errors/remote-error.js';
import { classifyForRetry } from '../../kvs/classify-for-retry.js';
import type { CliIo } from '../io.js';
import type { OutputMode } from '../options/output-mode.js';
import type { RetryOptions } from '../options/retry-options.js';

/**
 * One KVS call of `streams` (ListStreams, all pages) wrapped in the project's retry loop with the command's
 * `--retries` budget, retry notices on stderr unless -q or --json. (Per-stream calls go through src/clip's run
 * context instead, which also paces them.) The session's errors are already typed; anything else is a bug. Its
 * failure hints never promise kept parts: these commands download none.
 */
export function retryKvsCall<T>(
  label: string,
  call: () => Promise<T>,
  io: CliIo,
  options: { readonly mode: OutputMode; readonly download: RetryOptions },
): Promise<T> {
  const { mode, download } = options;
  const retried = withRetry(() => call(), {
    label,
    budget: { ...DEFAULT_RETRY_BUDGET, ...download },
    random: Math.random,
    nowMs: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    signal: io.signal,
    classify: classifyForRetry,
    toError: (error) =>
      error instanceof KvsClipError ? error : new InternalError(`${label} failed unexpectedly`, { cause: error }),
    onRetry: (notice) => {
      if (!mode.quiet && !mode.json) io.stderr.write(`${notice.message}\n`);
    },
  });
  return retried.catch((error: unknown) => {
    throw withoutKeptParts(error);
  });
}
