import type { ErrorCode, ExitCode } from './exit-codes.js';
import { ERROR_CODES } from './exit-codes.js';

export type KvsClipErrorOptions = {
  /** One actionable line shown under the message. */
  hint?: string;
  /** The underlying error; printed only with --verbose. */
  cause?: unknown;
  /** Overrides the exit code implied by the code (only SIGTERM cancellation uses this: 143). */
  exitCode?: ExitCode;
};

/**
 * Base of every error kvs-clip raises on purpose. `message` is one line: what failed and the value received.
 * The CLI maps it to `exitCode` and to the JSON `error` object; anything else that escapes is an internal error.
 */
export class KvsClipError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: KvsClipErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? ERROR_CODES[code];
    this.hint = options.hint;
  }
}
