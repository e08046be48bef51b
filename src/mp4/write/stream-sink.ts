/**
 * Writes to a Node writable with backpressure (wait for `drain`) and turns stream failures (EPIPE when the reader
 * quits, a closed stdout) into `OutputError('E_OUTPUT_WRITE')`. Never ends the stream: the caller owns it.
 */
import { OutputError } from '../../errors/output-error.js';
import { describeLocalError } from '../../output/to-output-error.js';

export type Sink = { readonly write: (bytes: Uint8Array) => Promise<void>; readonly close: () => Promise<void> };

/** Wraps `stream` as a promise-based sink. */
export function streamSink(stream: NodeJS.WritableStream): Sink {
  let failure: Error | null = null;
  const onError = (cause: unknown): void => {
    const code = cause instanceof Error && 'code' in cause && typeof cause.code === 'string' ? cause.code : 'error';
    // The words README promises for `-o - > /dev/full`: `Could not write to stdout: no space left on device (ENOSPC)`.
    const where = stream === process.stdout ? 'stdout' : 'the output stream';
    failure = new OutputError('E_OUTPUT_WRITE', `Could not write to ${where}: ${describeLocalError(code)}`, { cause });
  };
  stream.on('error', onError);
  return {
    write: (bytes) => {
      if (failure !== null) return Promise.reject(failure);
      return new Promise<void>((resolve, reject) => {
        const done = (): void => {
          stream.off('error', fail);
          stream.off('drain', done);
          if (failure !== null) reject(failure);
          else resolve();
        };
        const fail = (cause: unknown): void => {
          onError(cause);
          done();
        };
        stream.on('error', fail);
        if (stream.write(bytes)) done();
        else stream.on('drain', done);
      });
    },
    close: () => {
      stream.off('error', onError);
      return failure === null ? Promise.resolve() : Promise.reject(failure);
    },
  };
}
