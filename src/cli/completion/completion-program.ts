import type { Command } from 'commander';
import { InternalError } from '../../errors/internal-error.js';
import type { CliIo } from '../io.js';
import { buildProgram } from '../program.js';

/**
 * The program as the completion generator and its tests see it: the real command tree, but inert runners and
 * no terminal of its own, since nothing is ever run.
 */
export function completionProgram(): Command {
  const unused = (): never => {
    throw new InternalError('completion program commands are not runnable');
  };
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    now: () => 0,
    signal: new AbortController().signal,
  };
  return buildProgram({
    io,
    version: '0.0.0',
    run: {
      get: unused,
      list: unused,
      images: unused,
      streams: unused,
      join: unused,
      inspect: unused,
      archive: unused,
      streamNames: unused,
    },
  });
}
