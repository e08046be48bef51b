import { KvsClipError, type KvsClipErrorOptions } from './kvs-clip-error.js';

/** The output was written, but --fail-on-gap found gaps or the --exec hook failed (exit 8). */
export class IncompleteError extends KvsClipError {
  constructor(code: 'E_GAPS' | 'E_HOOK', message: string, options: KvsClipErrorOptions = {}) {
    super(code, message, options);
  }
}
