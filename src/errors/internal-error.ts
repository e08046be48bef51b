import { KvsClipError, type KvsClipErrorOptions } from './kvs-clip-error.js';

/** A bug in kvs-clip: the CLI prints the version and asks for a report (exit 1). */
export class InternalError extends KvsClipError {
  constructor(message: string, options: KvsClipErrorOptions = {}) {
    super('E_INTERNAL', message, options);
  }
}
