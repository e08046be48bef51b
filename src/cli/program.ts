import { Command, CommanderError } from 'commander';
import { UsageError } from '../errors/usage-error.js';
import { archiveCommand, type ArchiveCliOptions } from './commands/archive.js';
import { completeCommand, type CompleteStreamsOptions } from './commands/complete-streams.js';
import { completionCommand } from './commands/completion.js';
import { emulatorCommand } from './commands/emulator.js';
import { getCommand, type GetOptions } from './commands/get.js';
import { imagesCommand, type ImagesOptions } from './commands/images.js';
import { inspectCommand, type InspectOptions } from './commands/inspect.js';
import { joinCommand, type JoinOptions } from './commands/join.js';
import { listCommand, type ListOptions } from './commands/list.js';
import { streamsCommand, type StreamsOptions } from './commands/streams.js';
import type { CliIo } from './io.js';
import { flagOption } from './options/option-values.js';
import { verbosity } from './options/output-mode.js';
import type {
  ArchiveJsonResult,
  GetJsonResult,
  ImagesJsonResult,
  InspectJsonResult,
  JoinJsonResult,
  ListJsonResult,
  StreamsJsonResult,
} from './render/json.js';

/**
 * The use cases behind the commands, one per command. main.ts passes the real ones; wiring tests pass spies
 * that capture the parsed options (gh's runF). Each does its own human output and returns the --json result.
 */
export type CommandRunners = {
  readonly get: (options: GetOptions) => Promise<GetJsonResult>;
  readonly list: (options: ListOptions) => Promise<ListJsonResult>;
  readonly images: (options: ImagesOptions) => Promise<ImagesJsonResult>;
  readonly streams: (options: StreamsOptions) => Promise<StreamsJsonResult>;
  readonly join: (options: JoinOptions) => Promise<JoinJsonResult>;
  readonly inspect: (options: InspectOptions) => Promise<InspectJsonResult>;
  readonly archive: (options: ArchiveCliOptions) => Promise<ArchiveJsonResult>;
  readonly streamNames: (options: CompleteStreamsOptions) => Promise<readonly string[]>;
};

/** What a command run is about to do, reported before its action so failures render in the right mode. */
export type CommandStart = { readonly command: string; readonly json: boolean; readonly verbose: boolean };

export type ProgramDeps = {
  readonly io: CliIo;
  readonly version: string;
  /** A second `--version` line (runtime, platform, SDK); absent in tests. */
  readonly versionDetails?: string;
  readonly run: CommandRunners;
  readonly onCommandStart?: (start: CommandStart) => void;
};

export const EXIT_CODE_HELP = `
Exit codes:
  0    success (gaps are reported, not errors; --dry-run; an empty --state window)
  1    internal error (a bug: please report it)
  2    usage: bad flag or combination, unparseable time, end before start, -o - on a terminal
  3    stream not found, or no media in the window (nothing written)
  4    not authorized, or missing/expired credentials
  5    throttling, 5xx or network failure after all retries (try again later)
  6    media: codec/CPD problem (producer side), malformed MP4, a codec change GetClip
       refuses that cannot be split around (E_CODEC_CHANGE), clips that cannot be joined
       (E_JOIN_MISMATCH)
  7    output exists (use --force), write failed, or the --state file is locked by another run
  8    output written, but --fail-on-gap found gaps or the --exec hook failed
  9    archive: some streams failed, the others were archived
  130  interrupted (SIGINT); 143 terminated (SIGTERM)`;

const ROOT_HELP = `
Examples:
  kvs-clip get demo --local --since 1h -o demo.mp4     try it without an AWS account
  kvs-clip get cam1 "yesterday 3pm to 4pm" -o cam1.mp4
  kvs-clip list cam1 --since 6h
  kvs-clip join a.mp4 b.mp4 -o joined.mp4
  kvs-clip -v --region eu-west-1 list cam1           a command's flags may also come before its name
${EXIT_CODE_HELP}`;

/**
 * Build the whole command tree. Commander never exits the process or prints errors itself: parse errors become
 * UsageError (exit 2) with commander's message; --help and --version surface as CommanderError with exit code 0.
 */
export function buildProgram(deps: ProgramDeps): Command {
  const { io, run } = deps;
  const program = new Command('kvs-clip')
    .description('Download archived video from Amazon Kinesis Video Streams as one lossless MP4.')
    .version(
      deps.versionDetails === undefined ? deps.version : `${deps.version}\n${deps.versionDetails}`,
      '-V, --version',
      'print the version (and the Node, platform and AWS SDK versions)',
    )
    .addHelpText('after', ROOT_HELP);
  program.addCommand(getCommand({ io, runGet: run.get }));
  program.addCommand(listCommand({ io, runList: run.list }));
  program.addCommand(imagesCommand({ io, runImages: run.images }));
  program.addCommand(streamsCommand({ io, runStreams: run.streams }));
  program.addCommand(joinCommand({ io, runJoin: run.join }));
  program.addCommand(inspectCommand({ io, runInspect: run.inspect }));
  program.addCommand(archiveCommand({ io, runArchive: run.archive }));
  program.addCommand(completionCommand(io));
  program.addCommand(emulatorCommand(io));
  program.addCommand(completeCommand({ io, listStreamNames: run.streamNames }), { hidden: true });

  program.hook('preAction', (_root, action) => {
    const values = action.opts();
    deps.onCommandStart?.({
      command: action.name(),
      json: flagOption(values, 'json'),
      verbose: verbosity(values) > 0,
    });
  });
  configureTree(program, io);
  return program;
}

function configureTree(command: Command, io: CliIo): void {
  command
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // The one error printer is main's catch; commander's own line would be a second one.
      outputError: () => undefined,
    })
    .exitOverride(toUsageError)
    .showSuggestionAfterError(true);
  if (command.parent !== null) command.addHelpText('after', EXIT_CODE_HELP);
  for (const sub of command.commands) configureTree(sub, io);
}

function toUsageError(error: CommanderError): never {
  if (error.exitCode === 0 || error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') {
    throw error;
  }
  // Commander appends "(Did you mean --since?)" on a second line; the contract is one line.
  const message = error.message.replace(/^error: /, '').replaceAll(/\s*\n\s*/g, ' ');
  throw new UsageError('E_USAGE', message.charAt(0).toUpperCase() + message.slice(1), {
    hint: 'Run with --help for usage.',
  });
}

/**
 * `kvs-clip help nosuch` would print the root help and exit 2 without a word about why: say the command is unknown
 * (with commander's suggestion) instead. Throws UsageError E_USAGE; returns for every other command line.
 */
export function checkHelpTopic(program: Command, argv: readonly string[]): void {
  const words = argv.filter((word) => !word.startsWith('-'));
  if (words[0] !== 'help' || words[1] === undefined) return;
  const topic = words[1];
  const known = program.commands.filter((command) => !isHidden(command)).flatMap((c) => [c.name(), ...c.aliases()]);
  if (known.includes(topic) || topic === 'help') return;
  const letters = (word: string): string => [...word].sort().join('');
  const near = known.find((name) => name.startsWith(topic) || letters(name) === letters(topic));
  throw new UsageError('E_USAGE', `Unknown command '${topic}'${near === undefined ? '' : ` (did you mean ${near}?)`}`, {
    hint: `Commands: ${known.filter((name) => name.length > 2).join(', ')}; kvs-clip --help shows them all`,
  });
}

function isHidden(command: Command): boolean {
  return (command as unknown as { _hidden?: boolean })._hidden === true;
}

/** True for commander's --help/--version exits, which are not failures. */
export function isHelpExit(error: unknown): error is CommanderError {
  return error instanceof CommanderError && (error.exitCode === 0 || error.code === 'commander.help');
}
