import type { CliIo } from '../io.js';
import type { CommandRunners } from '../program.js';
import { runGetCommand } from './run-get-command.js';
import { runInspect } from './run-inspect.js';
import { runJoin } from './run-join.js';
import { runList } from './run-list.js';
import { listStreamNames, runStreams } from './run-streams.js';

/**
 * The real use cases behind each command, bound to this process's terminal. Each runner lives in its own file
 * in this folder and adapts parsed CLI options to a library call (runGet, joinFiles, …) plus human rendering.
 */
export function createRunners(io: CliIo): CommandRunners {
  return {
    get: (options) => runGetCommand(options, io),
    list: (options) => runList(options, io),
    streams: (options) => runStreams(options, io),
    join: (options) => runJoin(options, io),
    inspect: (options) => runInspect(options, io),
    streamNames: (options) => listStreamNames(options, io),
  };
}
