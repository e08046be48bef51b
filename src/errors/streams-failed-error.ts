import { KvsClipError, type KvsClipErrorOptions } from './kvs-clip-error.js';

/**
 * `kvs-clip archive`: some streams failed while the others were archived (exit 9). `result` is the run's whole
 * outcome, which the `--json` failure document carries so a supervisor sees every stream's state.
 */
export class StreamsFailedError extends KvsClipError {
  readonly result: unknown;

  constructor(message: string, result: unknown, options: KvsClipErrorOptions = {}) {
    super('E_STREAMS_FAILED', message, options);
    this.result = result;
  }
}
