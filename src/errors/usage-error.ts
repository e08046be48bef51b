import { KvsClipError, type KvsClipErrorOptions } from './kvs-clip-error.js';

/** Bad flags or combinations, an unparseable time, or a reversed range (exit 2). */
export class UsageError extends KvsClipError {
  constructor(code: 'E_USAGE' | 'E_TIME_PARSE' | 'E_TIME_RANGE', message: string, options: KvsClipErrorOptions = {}) {
    super(code, message, options);
  }
}
