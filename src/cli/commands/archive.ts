import { Command, Option } from 'commander';
import { parseSegmentLength } from '../../archive/segments.js';
import { resolveShard, type Shard } from '../../archive/shard.js';
import { GET_DEFAULTS } from '../../clip/get-defaults.js';
import { UsageError } from '../../errors/usage-error.js';
import type { OutputFormat } from '../../mp4/model.js';
import type { CliIo } from '../io.js';
import { addAwsOptions, readAwsOptions, type AwsOptions } from '../options/aws-options.js';
import { choiceOption, flagOption, numberOption, stringOption } from '../options/option-values.js';
import { formatOption, readFormat } from '../options/format-option.js';
import {
  addS3Options,
  readS3Options,
  refuseFragmentedObject,
  type S3Options,
  refuseS3FlagsWithoutS3,
} from '../options/s3-options.js';
import { addOutputModeOptions, readOutputMode, type OutputMode } from '../options/output-mode.js';
import { durationParser, integerParser, positiveNumberParser } from '../options/parse-number.js';
import { readZone, SELECTORS, type Selector } from '../options/time-options.js';
import { successDocument, writeJsonDocument, type ArchiveJsonResult } from '../render/json.js';
import { LOG_FORMATS } from './get.js';

export const ARCHIVE_GAP_MODES = ['keep', 'close'] as const;

/** The default -o: one directory per stream, one file per segment named by its UTC start. */
export const ARCHIVE_TEMPLATE = '{stream}/{start:%Y%m%dT%H%M%SZ}.mp4';

/** Everything `kvs-clip archive` was asked to do, parsed and checked; handed to the archive runner. */
export type ArchiveCliOptions = {
  readonly names: readonly string[];
  readonly prefix?: string;
  /** Read by the runner. */
  readonly streamsFile?: string;
  readonly shard?: Shard;
  readonly segmentMs: number;
  readonly segmentText: string;
  readonly stateDir: string;
  readonly output: string;
  readonly since?: string;
  readonly tz: string;
  readonly selector: Selector;
  readonly settleMs: number;
  readonly follow: boolean;
  readonly graceMs: number;
  readonly concurrency: number;
  readonly maxSegments: number;
  readonly dryRun: boolean;
  readonly format: OutputFormat;
  readonly faststart: boolean;
  readonly gaps: (typeof ARCHIVE_GAP_MODES)[number];
  readonly retries: number;
  readonly retryMaxTimeMs: number;
  readonly fragmentRate: number;
  readonly pacing: boolean;
  readonly exec?: string;
  readonly aws: AwsOptions;
  /** With `-o s3://…`: how to write the objects. */
  readonly s3?: S3Options;
  readonly mode: OutputMode;
  readonly logFormat: (typeof LOG_FORMATS)[number];
};

export type ArchiveCommandDeps = {
  readonly io: CliIo;
  readonly runArchive: (options: ArchiveCliOptions) => Promise<ArchiveJsonResult>;
};

/** Build `kvs-clip archive STREAM… | --prefix P | --streams-file F` (docs/archive.md). */
export function archiveCommand(deps: ArchiveCommandDeps): Command {
  const command = new Command('archive')
    .description('keep many streams archived in wall-clock segments, exactly once (cron, --follow, shards)')
    .argument('[stream...]', 'stream names')
    .option('--prefix <prefix>', 'every stream whose name begins with PREFIX (new ones are picked up with --follow)')
    .option('--streams-file <file>', 'stream names, one a line (# comments)')
    .option('--segment <duration>', 'segment length, dividing a UTC day (10s, 15m, 1h, 24h)', '1h')
    .option('--state-dir <dir>', 'one state file per stream (cursor and pending segment), or s3://BUCKET/PREFIX')
    .option('-o, --output <template>', 'output template ({stream} {start:%Y%m%dT%H%M%SZ} {end})', ARCHIVE_TEMPLATE)
    .option('--since <time>', 'where a stream without state starts, aligned down (default: one segment ago)')
    .addOption(new Option('--tz <zone>', 'IANA time zone for --since without an offset').env('KVS_CLIP_TZ'))
    .option('--utc', 'read times in UTC (same as --tz UTC)')
    .addOption(
      new Option('--timestamps <kind>', 'select fragments by server or producer timestamps')
        .choices(SELECTORS)
        .default('server'),
    )
    .addOption(
      new Option('--settle <duration>', 'a segment is complete once its end is this far in the past')
        .argParser(durationParser('--settle'))
        .default(GET_DEFAULTS.cron.settleMs, '1m'),
    )
    .option('--follow', 'keep running: archive each segment as it completes, until SIGTERM/SIGINT')
    .addOption(
      new Option('--grace <duration>', 'after SIGTERM/SIGINT, let in-flight segments finish for this long')
        .argParser(durationParser('--grace'))
        .default(30_000, '30s'),
    )
    .addOption(
      new Option('--concurrency <n>', 'GetClip calls in flight across all streams')
        .argParser(integerParser(1, 256))
        .default(4),
    )
    .addOption(
      new Option('--max-segments <n>', 'with --follow: segments per stream per cycle (backlogs catch up over cycles)')
        .argParser(integerParser(1, 10_000))
        .default(24),
    )
    .option('--shard <K/N|auto>', 'only the streams of shard K of N (0-based), or auto from the scheduler')
    .option('--shards <n>', 'with --shard auto: the number of shards')
    .option('--dry-run', 'list the segments each stream would get, no download')
    .addOption(formatOption('progressive'))
    .option('--no-faststart', 'write moov at the end instead of in front')
    .addOption(
      new Option('--gaps <mode>', 'how a segment with gaps is joined')
        .choices(ARCHIVE_GAP_MODES)
        .default(GET_DEFAULTS.output.gaps),
    )
    .addOption(
      new Option('--retries <n>', 'retries per call')
        .argParser(integerParser(0, 100))
        .default(GET_DEFAULTS.download.retries),
    )
    .addOption(
      new Option('--retry-max-time <duration>', 'give up retrying one call after this long')
        .argParser(durationParser('--retry-max-time'))
        .default(GET_DEFAULTS.download.retryMaxTimeMs, '10m'),
    )
    .addOption(
      new Option('--fragment-rate <n>', 'fragment budget per second for each stream')
        .argParser(positiveNumberParser(500))
        .default(GET_DEFAULTS.download.fragmentRate),
    )
    .option('--no-pacing', 'do not pace calls ahead of time (endpoints without KVS quotas)')
    .option('--exec <cmd>', 'run CMD after each segment file is in place; {} is its path')
    .addOption(
      new Option('--log-format <format>', 'human lines, or NDJSON events (with the stream) on stderr')
        .choices(LOG_FORMATS)
        .default('human'),
    );
  addAwsOptions(command);
  addS3Options(command);
  addOutputModeOptions(command, { progress: 'live lines' });
  command.addHelpText(
    'after',
    `
Examples:
  kvs-clip archive cam1 cam2 --segment 15m --state-dir state --since 6h -o 'archive/{stream}/{start:%Y/%m/%d/%H%M}.mp4'
  kvs-clip archive --prefix cam --segment 1h --state-dir /var/lib/kvs-clip --follow
  kvs-clip archive --streams-file fleet.txt --state-dir state --shard auto --shards 3
  kvs-clip archive --prefix cam --state-dir state --dry-run`,
  );
  return command.action(async (names: string[], _values: unknown, self: Command) => {
    const options = readArchiveOptions(self, names, deps.io);
    const result = await deps.runArchive(options);
    if (options.mode.json) writeJsonDocument(deps.io, successDocument(result));
  });
}

/**
 * Turn the parsed flags into ArchiveCliOptions.
 * @throws UsageError for a missing --state-dir, no streams at all, a bad --segment or --shard, -o -, or --state-dir s3:// without -o s3://.
 */
export function readArchiveOptions(command: Command, names: readonly string[], io: CliIo): ArchiveCliOptions {
  const values = command.opts();
  const prefix = stringOption(values, 'prefix');
  const streamsFile = stringOption(values, 'streamsFile');
  if (names.length === 0 && prefix === undefined && streamsFile === undefined)
    throw new UsageError('E_USAGE', 'archive needs streams: STREAM…, --prefix P or --streams-file F', {
      hint: 'Example: kvs-clip archive --prefix cam --state-dir state',
    });
  const stateDir = stringOption(values, 'stateDir');
  if (stateDir === undefined)
    throw new UsageError('E_USAGE', 'archive needs --state-dir DIR (one state file per stream)', {
      hint: 'The state is what makes every segment exactly once across runs: keep it with the archive',
    });
  const output = stringOption(values, 'output') ?? ARCHIVE_TEMPLATE;
  if (output === '-') throw new UsageError('E_USAGE', 'archive writes one file per segment, not -o -');
  if (stateDir.startsWith('s3://') && !output.startsWith('s3://'))
    throw new UsageError('E_USAGE', '--state-dir s3://… needs -o s3://… (the state follows the objects it records)');
  refuseS3FlagsWithoutS3(command, output);
  const format = readFormat(values, undefined, 'progressive');
  refuseFragmentedObject(output, format, 'archive to local files');
  const segmentText = stringOption(values, 'segment') ?? '1h';
  const since = stringOption(values, 'since');
  const exec = stringOption(values, 'exec');
  return {
    names,
    ...(prefix === undefined ? {} : { prefix }),
    ...(streamsFile === undefined ? {} : { streamsFile }),
    ...shardOf(values, io),
    segmentMs: parseSegmentLength(segmentText),
    segmentText,
    stateDir,
    output,
    ...(since === undefined ? {} : { since }),
    tz: readZone(command, io),
    selector: choiceOption(values, 'timestamps', SELECTORS, 'server'),
    settleMs: numberOption(values, 'settle', GET_DEFAULTS.cron.settleMs),
    follow: flagOption(values, 'follow'),
    graceMs: numberOption(values, 'grace', 30_000),
    concurrency: numberOption(values, 'concurrency', 4),
    maxSegments: numberOption(values, 'maxSegments', 24),
    dryRun: flagOption(values, 'dryRun'),
    format,
    faststart: flagOption(values, 'faststart'),
    gaps: choiceOption(values, 'gaps', ARCHIVE_GAP_MODES, 'keep'),
    retries: numberOption(values, 'retries', GET_DEFAULTS.download.retries),
    retryMaxTimeMs: numberOption(values, 'retryMaxTime', GET_DEFAULTS.download.retryMaxTimeMs),
    fragmentRate: numberOption(values, 'fragmentRate', GET_DEFAULTS.download.fragmentRate),
    pacing: flagOption(values, 'pacing'),
    ...(exec === undefined ? {} : { exec }),
    aws: readAwsOptions(values),
    ...(output.startsWith('s3://') ? { s3: readS3Options(values, io) } : {}),
    mode: readOutputMode(values, io),
    logFormat: choiceOption(values, 'logFormat', LOG_FORMATS, 'human'),
  };
}

function shardOf(values: Record<string, unknown>, io: CliIo): { shard?: Shard } {
  const shard = resolveShard(stringOption(values, 'shard'), stringOption(values, 'shards'), io.env);
  return shard === undefined ? {} : { shard };
}
