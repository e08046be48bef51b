import { KvsClipError, type KvsClipErrorOptions } from './kvs-clip-error.js';

/** Throttling, 5xx or network failure after all retries; running again later may succeed (exit 5). */
export class RemoteError extends KvsClipError {
  constructor(code: 'E_THROTTLED' | 'E_REMOTE', message: string, options: KvsClipErrorOptions = {}) {
    super(code, message, options);
  }
}
