import type { CliIo } from '../io.js';
import type { CommandRunners } from '../program.js';

/**
 * The real use cases behind each command, bound to this process's terminal. Each runner lives in its own file
 * in this folder and adapts parsed CLI options to a library call (runGet, joinFiles, …) plus human rendering.
 * They are imported on first use: --help, usage errors and shell completion then never load the AWS SDK.
 */
export function createRunners(io: CliIo): CommandRunners {
  return {
    get: async (options) => {
      // Memory over hours (docs/pipeline.md, "Garbage collection").
      (await import('../../runtime/heap-headroom.js')).collectForGet({ paced: options.download.pacing });
      return options.s3 === undefined
        ? (await import('./run-get-command.js')).runGetCommand(options, io)
        : (await import('./run-get-to-s3.js')).runGetToS3(options, io);
    },
    list: async (options) => (await import('./run-list.js')).runList(options, io),
    images: async (options) => (await import('./run-images-command.js')).runImagesCommand(options, io),
    streams: async (options) => (await import('./run-streams.js')).runStreams(options, io),
    join: async (options) => (await import('./run-join.js')).runJoin(options, io),
    inspect: async (options) => (await import('./run-inspect.js')).runInspect(options, io),
    archive: async (options) => (await import('./run-archive-command.js')).runArchiveCommand(options, io),
    streamNames: async (options) => (await import('./run-streams.js')).listStreamNames(options, io),
  };
}
