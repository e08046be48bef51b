import { CancelledError } from '../errors/cancelled-error.js';
import { KvsClipError } from '../errors/kvs-clip-error.js';

/**
 * The error to throw once `signal` has fired: its reason when the CLI aborted with a typed error (a CancelledError
 * for SIGINT or SIGTERM), else a SIGINT cancellation. Use it wherever a loop notices an abort.
 */
export function cancellationOf(signal: AbortSignal): KvsClipError {
  const reason: unknown = signal.reason;
  return reason instanceof KvsClipError ? reason : new CancelledError('SIGINT');
}

/** Throws the cancellation error if `signal` has fired. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw cancellationOf(signal);
}

/**
 * Sleeps with the injected `sleep`, but settles as soon as `signal` fires (rejecting with the cancellation error),
 * so Ctrl-C is prompt even when a long backoff or pacing wait is under way.
 */
export async function sleepUnlessCancelled(
  ms: number,
  options: { sleep: (ms: number) => Promise<void>; signal: AbortSignal },
): Promise<void> {
  const { sleep, signal } = options;
  throwIfCancelled(signal);
  if (ms <= 0) return;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(cancellationOf(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms), aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
  throwIfCancelled(signal);
}
