import { EXIT_CODES } from './exit-codes.js';
import { KvsClipError } from './kvs-clip-error.js';

/** SIGINT (exit 130) or SIGTERM (exit 143): temporary files removed or kept for resume, then exit. */
export class CancelledError extends KvsClipError {
  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super('E_CANCELLED', `Cancelled by ${signal}`, {
      exitCode: signal === 'SIGINT' ? EXIT_CODES.interrupted : EXIT_CODES.terminated,
    });
  }
}
