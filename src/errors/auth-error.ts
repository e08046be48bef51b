import { KvsClipError, type KvsClipErrorOptions } from './kvs-clip-error.js';

/** NotAuthorizedException, or missing/expired/rejected credentials (exit 4). */
export class AuthError extends KvsClipError {
  constructor(code: 'E_AUTH', message: string, options: KvsClipErrorOptions = {}) {
    super(code, message, options);
  }
}
