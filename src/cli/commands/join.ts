import { Command, Option, type OptionValues } from 'commander';
import type { OutputFormat } from '../../mp4/model.js';
import { UsageError } from '../../errors/usage-error.js';
import type { CliIo } from '../io.js';
import { choiceOption, flagOption, stringOption } from '../options/option-values.js';
import { formatOption, readFormat } from '../options/format-option.js';
import { addOutputModeOptions, readOutputMode, type OutputMode } from '../options/output-mode.js';
import { addS3Options, readS3Options, type S3Options, refuseS3FlagsWithoutS3 } from '../options/s3-options.js';
import { successDocument, writeJsonDocument, type JoinJsonResult } from '../render/json.js';
import { LOG_FORMATS } from './get.js';

export const JOIN_GAP_MODES = ['keep', 'close'] as const;

/** `kvs-clip join`: lossless join of MP4 clips the user already has. */
export type JoinOptions = {
  readonly inputs: readonly string[];
  /** A file path, `-` for fragmented MP4 on stdout, or `s3://BUCKET/KEY` (then `s3` is set). */
  readonly output: string;
  /** With `-o s3://…`: how to write the object. */
  readonly s3?: S3Options;
  readonly force: boolean;
  readonly mkdir: boolean;
  readonly faststart: boolean;
  /** `fragmented` is forced for `-o -` (`mp4` / `fmp4` are accepted as aliases on the command line). */
  readonly format: OutputFormat;
  readonly gaps: (typeof JOIN_GAP_MODES)[number];
  readonly splitOnChange: boolean;
  readonly mode: OutputMode;
  /** `--log-format json`: NDJSON events on stderr (the upload's, warnings, a summary) instead of human lines. */
  readonly logFormat: (typeof LOG_FORMATS)[number];
};

export type JoinCommandDeps = {
  readonly io: CliIo;
  readonly runJoin: (options: JoinOptions) => Promise<JoinJsonResult>;
};

/** Build `kvs-clip join <inputs...> -o OUT`. */
export function joinCommand(deps: JoinCommandDeps): Command {
  const command = new Command('join')
    .description('join MP4 clips losslessly into one file')
    .argument('<inputs...>', 'MP4 clips, in order')
    .requiredOption('-o, --output <path>', 'output file or s3://BUCKET/KEY; - writes fragmented MP4 to stdout')
    .option('--force', 'overwrite an existing output file')
    .option('--mkdir', 'create missing output directories')
    .option('--no-faststart', 'write moov at the end instead of in front (players must seek to it before playing)')
    .addOption(formatOption('progressive'))
    .addOption(
      new Option('--gaps <mode>', 'keep gaps between clips as a long sample, or close them')
        .choices(JOIN_GAP_MODES)
        .default('keep'),
    )
    .option('--split-on-change', 'start a new numbered file where clips cannot be joined')
    .addOption(
      new Option('--log-format <format>', 'human lines (with -o s3://, the upload bar), or NDJSON events on stderr')
        .choices(LOG_FORMATS)
        .default('human'),
    );
  addS3Options(command);
  addOutputModeOptions(command, { progress: 'upload bar' });
  command.addHelpText(
    'after',
    `
Examples:
  kvs-clip join part1.mp4 part2.mp4 part3.mp4 -o joined.mp4
  kvs-clip join clips/*.mp4 -o - | ffplay -
  kvs-clip join clips/*.mp4 -o s3://my-archive/joined/cam1.mp4`,
  );
  return command.action(async (inputs: string[], _values: unknown, self: Command) => {
    const values = self.opts();
    const mode = readOutputMode(values, deps.io);
    const output = stringOption(values, 'output') ?? '';
    const splitOnChange = flagOption(values, 'splitOnChange');
    if (output === '-') {
      if (mode.json) throw new UsageError('E_USAGE', '--json cannot be combined with -o - (stdout carries the video)');
      if (deps.io.stdoutIsTTY)
        throw new UsageError('E_USAGE', 'Refusing to write video to a terminal (-o -)', {
          hint: 'Pipe it: kvs-clip join a.mp4 b.mp4 -o - | ffplay -',
        });
      if (splitOnChange) throw new UsageError('E_USAGE', '--split-on-change cannot write to stdout (-o -)');
    }
    const s3 = output.startsWith('s3://');
    refuseS3FlagsWithoutS3(self, output);
    if (s3) checkS3Join(values);
    const options: JoinOptions = {
      inputs,
      output,
      force: flagOption(values, 'force'),
      mkdir: flagOption(values, 'mkdir'),
      faststart: flagOption(values, 'faststart'),
      format: readFormat(values, output, 'progressive'),
      gaps: choiceOption(values, 'gaps', JOIN_GAP_MODES, 'keep'),
      splitOnChange,
      mode,
      logFormat: choiceOption(values, 'logFormat', LOG_FORMATS, 'human'),
      ...(s3 ? { s3: readS3Options(values, deps.io) } : {}),
    };
    const result = await deps.runJoin(options);
    if (mode.json) writeJsonDocument(deps.io, successDocument(result));
  });
}

/** What `join -o s3://…` cannot do yet: one progressive object per run. */
function checkS3Join(values: OptionValues): void {
  if (flagOption(values, 'splitOnChange'))
    throw new UsageError('E_USAGE', '--split-on-change cannot write to S3 (one object per run)', {
      hint: 'Join to a local directory, or join each run of clips with its own -o s3://… key.',
    });
  if (readFormat(values, undefined, 'progressive') === 'fragmented')
    throw new UsageError('E_USAGE', '--format fragmented cannot write to S3; the object is a progressive MP4');
}
