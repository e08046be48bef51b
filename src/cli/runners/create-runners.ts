import { InternalError } from '../../errors/internal-error.js';
import type { CliIo } from '../io.js';
import type { CommandRunners } from '../program.js';
import { runList } from './run-list.js';
import { listStreamNames, runStreams } from './run-streams.js';

/**
 * The real use cases behind each command, bound to this process's terminal. Each runner lives in its own file
 * in this folder and adapts parsed CLI options to a library call (runGet, joinFiles, …) plus human rendering.
 */
export function createRunners(io: CliIo): CommandRunners {
  return {
    get: () => notBuilt('get', io),
    list: (options) => runList(options, io),
    streams: (options) => runStreams(options, io),
    join: () => notBuilt('join', io),
    inspect: () => notBuilt('inspect', io),
    streamNames: (options) => listStreamNames(options, io),
  };
}

// Temporary: the library behind a command has not landed yet (issue 5 wiring).
function notBuilt(command: string, _io: CliIo): never {
  throw new InternalError(`kvs-clip ${command} is not wired to its library yet`);
}
