import { KvsClipError, type KvsClipErrorOptions } from './kvs-clip-error.js';

/** Output exists without --force, a write failed (disk full, unwritable), or the state file is locked (exit 7). */
export class OutputError extends KvsClipError {
  constructor(
    code: 'E_OUTPUT_EXISTS' | 'E_OUTPUT_WRITE' | 'E_LOCKED',
    message: string,
    options: KvsClipErrorOptions = {},
  ) {
    super(code, message, options);
  }
}
