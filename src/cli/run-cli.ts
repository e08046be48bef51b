import { CancelledError } from '../errors/cancelled-error.js';
import { EXIT_CODES, type ExitCode } from '../errors/exit-codes.js';
import { InternalError } from '../errors/internal-error.js';
import { KvsClipError } from '../errors/kvs-clip-error.js';
import { hoistGlobalFlags } from './hoist-global-flags.js';
import { buildProgram, checkHelpTopic, isHelpExit, type ProgramDeps } from './program.js';
import { refineFailure } from './render/refine-failure.js';
import { renderError } from './render/render-error.js';

/**
 * Run one command line and return its exit code. This is the CLI's one try/catch: every failure becomes a
 * KvsClipError rendered once (human line on stderr, or the --json failure document on stdout). main.ts sets
 * process.exitCode from the result; tests call this with a fake CliIo.
 */
export async function runCli(words: readonly string[], deps: Omit<ProgramDeps, 'onCommandStart'>): Promise<ExitCode> {
  const mode = { json: false, verbose: false, command: null as string | null };
  const program = buildProgram({
    ...deps,
    onCommandStart: (start) => {
      mode.json = start.json;
      mode.verbose = start.verbose;
      mode.command = start.command;
    },
  });
  // `kvs-clip -v get …`: flags before the command name count as the command's own (hoist-global-flags.ts).
  const argv = hoistGlobalFlags(program, words);
  // Until commander reaches an action, guess the mode from the raw words so parse errors honour --json and -v.
  mode.json = hasFlag(argv, ['--json']);
  mode.verbose = hasFlag(argv, ['-v', '--verbose']);
  try {
    checkHelpTopic(program, argv);
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_CODES.ok;
  } catch (error) {
    if (isHelpExit(error)) return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    const failure = refineFailure(classify(error, deps), argv);
    // -q is "errors only": a run the user stopped is not an error, whichever signal stopped it (the exit code says it).
    if (failure instanceof CancelledError && !mode.json && hasFlag(argv, ['-q', '--quiet'])) return failure.exitCode;
    const noColor = hasFlag(argv, ['--no-color']) || (deps.io.env['NO_COLOR'] ?? '') !== '';
    renderError(deps.io, failure, { ...mode, color: deps.io.stderrIsTTY && !noColor });
    return failure.exitCode;
  }
}

function classify(error: unknown, deps: Pick<ProgramDeps, 'io' | 'version'>): KvsClipError {
  // Whatever a command threw while being cancelled (an AbortError, a closed socket…), the cause is the signal.
  const reason: unknown = deps.io.signal.aborted ? deps.io.signal.reason : undefined;
  if (reason instanceof CancelledError) return reason;
  if (error instanceof KvsClipError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new InternalError(`Internal error: ${detail}`, {
    hint: `This is a bug in kvs-clip ${deps.version}: please report it with the command line and the output of -v.`,
    cause: error,
  });
}

function hasFlag(argv: readonly string[], flags: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const words = end === -1 ? argv : argv.slice(0, end);
  return words.some(
    (word) => flags.includes(word) || (flags.includes('-v') && /^-[a-z]*v[a-z]*$/.test(word) && !word.startsWith('--')),
  );
}
