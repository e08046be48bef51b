import { Command, Option } from 'commander';
import { GET_DEFAULTS } from '../../clip/get-defaults.js';
import type { GetOptions as ClipGetOptions } from '../../clip/get-types.js';
import { UsageError } from '../../errors/usage-error.js';
import type { CliIo } from '../io.js';
import { addAwsOptions, readAwsOptions, type AwsOptions } from '../options/aws-options.js';
import { choiceOption, flagOption, numberOption, stringOption } from '../options/option-values.js';
import { formatOption, readFormat } from '../options/format-option.js';
import { resolveOutputPath } from '../options/output-dir.js';
import { DEFAULT_TEMPLATE } from '../../output/template.js';
import {
  addOutputModeOptions,
  DEFAULT_PROGRESS_INTERVAL_MS,
  readOutputMode,
  type OutputMode,
} from '../options/output-mode.js';
import {
  addS3Options,
  readS3Options,
  refuseFragmentedObject,
  type S3Options,
  refuseS3FlagsWithoutS3,
} from '../options/s3-options.js';
import { durationParser, integerParser, positiveNumberParser } from '../options/parse-number.js';
import { streamArgument, streamArnOption } from '../options/stream-options.js';
import { addRetryOptions, readRetryOptions } from '../options/retry-options.js';
import { addTimeOptions, readTimeSpec } from '../options/time-options.js';
import { successDocument, writeJsonDocument, type GetJsonResult } from '../render/json.js';

export const GAP_MODES = ['keep', 'close', 'split'] as const;
export const ALIGN_MODES = ['cover', 'inside'] as const;
export const LOG_FORMATS = ['human', 'json'] as const;

/**
 * Everything `kvs-clip get` was asked to do, parsed and checked: the use case's own grouped options (src/clip
 * GetOptions: time, output, download, cron, postSteps) plus what only the CLI needs (credentials, terminal, S3).
 */
export type GetOptions = ClipGetOptions & {
  readonly aws: AwsOptions;
  readonly mode: OutputMode;
  readonly logFormat: (typeof LOG_FORMATS)[number];
  /** `--progress-interval`: how often `--progress lines` prints a progress line. */
  readonly progressIntervalMs: number;
  /** With `-o s3://…`: how to write the objects. */
  readonly s3?: S3Options;
};

export type GetCommandDeps = {
  readonly io: CliIo;
  readonly runGet: (options: GetOptions) => Promise<GetJsonResult>;
};

/** Build `kvs-clip get <stream> [range]`: flags → GetOptions → the runner; the --json document at the end. */
export function getCommand(deps: GetCommandDeps): Command {
  const command = new Command('get')
    .description('download a time range of a stream as one MP4')
    .addArgument(streamArgument())
    .argument('[range]', 'time range, e.g. "yesterday 3pm to 4pm", "last 10 minutes", "2025-06-14 15:00..16:00"')
    .addOption(streamArnOption('address the stream by ARN (the name is still used in file names)'));
  addTimeOptions(command);
  command
    .option(
      '-o, --output <path>',
      'output file or template ({stream} {start:%Y%m%dT%H%M%SZ} {end} {part}); - for stdout; DIR/ or an existing directory: the default name inside it',
    )
    .option('--output-dir <dir>', "write into DIR: the default name, or -o's relative name or template, inside it")
    .addOption(new Option('--force', 'overwrite an existing output file').conflicts('skipExisting'))
    .option('--skip-existing', 'do nothing (exit 0) when the output file exists')
    .option('--mkdir', 'create missing output directories')
    .option('--split', 'keep one file per GetClip call instead of joining')
    .option('--no-faststart', 'write moov at the end instead of in front (players must seek to it before playing)')
    .addOption(formatOption(GET_DEFAULTS.output.format))
    .addOption(
      new Option('--gaps <mode>', 'how the join represents gaps').choices(GAP_MODES).default(GET_DEFAULTS.output.gaps),
    )
    .option('--fail-on-gap', 'exit 8 after writing when the window has gaps')
    .addOption(
      new Option(
        '--align <mode>',
        'cover: include the fragment holding the start; inside: only fragments starting in the window',
      ).choices(ALIGN_MODES),
    )
    .addOption(
      new Option('--concurrency <n>', 'parts downloaded ahead of the join')
        .argParser(integerParser(1, 16))
        .default(GET_DEFAULTS.download.concurrency),
    );
  addRetryOptions(command);
  command
    .addOption(
      new Option('--fragment-rate <n>', 'fragment budget per second for this stream')
        .argParser(positiveNumberParser(500))
        .default(GET_DEFAULTS.download.fragmentRate),
    )
    .option(
      '--no-pacing',
      'do not pace GetClip/ListFragments calls ahead of time (endpoints without KVS quotas: the emulator with --no-quotas, a private endpoint); a throttle still turns pacing on at the quota',
    )
    .option('--dry-run', 'plan only: list fragments and print the parts, no GetClip')
    .option('--no-continue', 'ignore a resume manifest and start over')
    .option('--keep-parts', 'keep temporary files after a failure')
    .option('--state <file>', 'cron mode: continue from the cursor in FILE, exactly once')
    .addOption(
      new Option('--settle <duration>', 'with --state: leave the newest D for the next run')
        .argParser(durationParser('--settle'))
        .default(GET_DEFAULTS.cron.settleMs, '1m'),
    )
    .option('--exec <cmd>', 'run CMD after the output is in place; {} is the output path')
    .addOption(
      new Option('--log-format <format>', 'human lines/bar, or NDJSON events on stderr')
        .choices(LOG_FORMATS)
        .default('human'),
    );
  addAwsOptions(command);
  addS3Options(command);
  addOutputModeOptions(command, { progress: 'bar' });
  command.addOption(
    new Option('--progress-interval <duration>', 'with --progress lines: one progress line every D while downloading')
      .argParser(durationParser('--progress-interval'))
      .default(DEFAULT_PROGRESS_INTERVAL_MS, '10s'),
  );
  command.addHelpText(
    'after',
    `
Examples:
  kvs-clip get cam1 --since 1h -o cam1.mp4
  kvs-clip get cam1 "yesterday 3pm to 4pm" --tz Europe/Berlin
  kvs-clip get cam1 --at "2025-06-14 15:00" --duration 10m -o - | ffplay -
  kvs-clip get cam1 --last 30m --dry-run --json
  kvs-clip get cam1 --state cam1.state --since 1h -o 'archive/{stream}/{start:%Y/%m/%d/%H%M}.mp4'
  kvs-clip get demo --local --since 1h -o demo.mp4`,
  );
  return command.action(async (stream: string, range: string | undefined, _values: unknown, self: Command) => {
    const options = readGetOptions(self, stream, range, deps.io);
    const result = await deps.runGet(options);
    if (options.mode.json) writeJsonDocument(deps.io, successDocument(result));
  });
}

/**
 * Turn the parsed flags into GetOptions.
 * @throws UsageError for combinations commander cannot express (docs/README.md, "House rules";
 * docs/resume-and-state.md, "Output files").
 */
export function readGetOptions(command: Command, stream: string, range: string | undefined, io: CliIo): GetOptions {
  const values = command.opts();
  const mode = readOutputMode(values, io);
  const output = resolveOutputPath(stringOption(values, 'output'), stringOption(values, 'outputDir'), DEFAULT_TEMPLATE);
  const split = flagOption(values, 'split');
  const state = stringOption(values, 'state');
  if (output === '-') {
    if (mode.json)
      throw new UsageError('E_USAGE', '--json cannot be combined with -o - (stdout carries the video)', {
        hint: 'Write to a file with -o FILE, or drop --json and use --log-format json for events on stderr.',
      });
    if (io.stdoutIsTTY)
      throw new UsageError('E_USAGE', 'Refusing to write video to a terminal (-o -)', {
        hint: 'Pipe it: kvs-clip get … -o - | ffplay -',
      });
    if (split) throw new UsageError('E_USAGE', '--split cannot write to stdout (-o -)');
    if (state !== undefined) throw new UsageError('E_USAGE', '--state needs a file output, not -o -');
    if (values['exec'] !== undefined)
      throw new UsageError('E_USAGE', '--exec runs on a finished file, and -o - writes none', {
        hint: 'Pipe the video into the command instead: kvs-clip get … -o - | CMD',
      });
  }
  // A flag that would do nothing is refused rather than ignored.
  if (state === undefined && command.getOptionValueSource('settle') === 'cli')
    throw new UsageError('E_USAGE', '--settle only applies with --state (cron mode)', {
      hint: 'Add --state FILE for cron mode, or drop --settle: a plain run fetches the window as given',
    });
  if (state?.startsWith('s3://') === true && output?.startsWith('s3://') !== true)
    throw new UsageError('E_USAGE', '--state s3://… needs -o s3://… (the state follows the objects it records)');
  refuseS3FlagsWithoutS3(command, output);
  const format = readFormat(values, output, GET_DEFAULTS.output.format);
  // --split objects are the GetClip bodies themselves, not written by a joiner.
  if (!split) refuseFragmentedObject(output, format, 'write a local file');
  const streamArn = stringOption(values, 'streamArn');
  const align = stringOption(values, 'align');
  const exec = stringOption(values, 'exec');
  const { download: defaults } = GET_DEFAULTS;
  return {
    stream,
    ...(streamArn === undefined ? {} : { streamArn }),
    time: {
      ...readTimeSpec(command, range, io),
      ...(align === undefined ? {} : { align: choiceOption(values, 'align', ALIGN_MODES, 'cover') }),
    },
    output: {
      ...(output === undefined ? {} : { path: output }),
      force: flagOption(values, 'force'),
      skipExisting: flagOption(values, 'skipExisting'),
      mkdir: flagOption(values, 'mkdir'),
      split,
      faststart: flagOption(values, 'faststart'),
      format,
      gaps: choiceOption(values, 'gaps', GAP_MODES, GET_DEFAULTS.output.gaps),
      failOnGap: flagOption(values, 'failOnGap'),
    },
    download: {
      concurrency: numberOption(values, 'concurrency', defaults.concurrency),
      ...readRetryOptions(values),
      fragmentRate: numberOption(values, 'fragmentRate', defaults.fragmentRate),
      pacing: flagOption(values, 'pacing'),
      dryRun: flagOption(values, 'dryRun'),
      continue: flagOption(values, 'continue'),
      keepParts: flagOption(values, 'keepParts'),
    },
    ...(state === undefined
      ? {}
      : { cron: { state, settleMs: numberOption(values, 'settle', GET_DEFAULTS.cron.settleMs) } }),
    postSteps: exec === undefined ? {} : { exec },
    aws: readAwsOptions(values, io.env),
    mode,
    logFormat: choiceOption(values, 'logFormat', LOG_FORMATS, 'human'),
    progressIntervalMs: numberOption(values, 'progressInterval', DEFAULT_PROGRESS_INTERVAL_MS),
    ...(output?.startsWith('s3://') === true ? { s3: readS3Options(values, io) } : {}),
  };
}
