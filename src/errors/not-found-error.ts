import { KvsClipError, type KvsClipErrorOptions } from './kvs-clip-error.js';

/** Unknown stream, or no fragments in the window; no file is written (exit 3). */
export class NotFoundError extends KvsClipError {
  constructor(code: 'E_STREAM_NOT_FOUND' | 'E_NO_MEDIA', message: string, options: KvsClipErrorOptions = {}) {
    super(code, message, options);
  }
}
