import { Command, Option } from 'commander';
import type { CliIo } from '../io.js';
import { addAwsOptions, readAwsOptions, type AwsOptions } from '../options/aws-options.js';
import { choiceOption, flagOption, stringOption } from '../options/option-values.js';
import { addOutputModeOptions, readOutputMode, type OutputMode } from '../options/output-mode.js';
import { durationParser, integerParser } from '../options/parse-number.js';
import { addRetryOptions, readRetryOptions, type RetryOptions } from '../options/retry-options.js';
import { addTimeOptions, readTimeSpec, type TimeSpec } from '../options/time-options.js';
import { successDocument, writeJsonDocument, type ImagesJsonResult } from '../render/json.js';

export const IMAGE_FORMATS = ['jpeg', 'png'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** `kvs-clip images`: pictures of a window from GetImages, as files and/or one HTML contact sheet (docs/images.md). */
export type ImagesOptions = {
  readonly stream: string;
  readonly streamArn?: string;
  readonly time: TimeSpec;
  /** Sampling interval; undefined: chosen from the window for about 60 pictures. */
  readonly everyMs?: number;
  readonly format: ImageFormat;
  readonly quality?: number;
  readonly width?: number;
  readonly height?: number;
  /** `-o` template for the image files; undefined: the default, unless only --sheet was asked for. */
  readonly output?: string;
  /** `--output-dir DIR`: the image files (default names, or -o's relative template) go inside DIR. */
  readonly outputDir?: string;
  readonly sheet?: string;
  readonly force: boolean;
  /** `--retries`, `--retry-max-time`: the budget of each GetImages page (as for get, list and streams). */
  readonly download: RetryOptions;
  readonly aws: AwsOptions;
  readonly mode: OutputMode;
};

export type ImagesCommandDeps = {
  readonly io: CliIo;
  readonly runImages: (options: ImagesOptions) => Promise<ImagesJsonResult>;
};

const int = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** Build `kvs-clip images <stream> [range]`. */
export function imagesCommand(deps: ImagesCommandDeps): Command {
  const command = new Command('images')
    .description('pictures of a time range (GetImages) as image files and an HTML contact sheet, no video download')
    .argument('<stream>', 'stream name')
    .argument('[range]', 'time range, e.g. "today 8am to 9am", "last 30 minutes"')
    .option('--stream-arn <arn>', 'address the stream by ARN (the name is still used in file names)')
    .addOption(
      new Option('--every <duration>', 'one picture every D, at least 200ms (default: about 60 pictures)').argParser(
        durationParser('--every'),
      ),
    )
    .addOption(new Option('--format <format>', 'image format').choices(IMAGE_FORMATS).default('jpeg'))
    .addOption(new Option('--quality <n>', 'JPEG quality 1-100 (service default 80)').argParser(integerParser(1, 100)))
    .addOption(
      new Option('--width <px>', 'picture width (height follows the aspect unless given)').argParser(
        integerParser(1, 3840),
      ),
    )
    .addOption(
      new Option('--height <px>', 'picture height (width follows the aspect unless given)').argParser(
        integerParser(1, 2160),
      ),
    )
    .option(
      '-o, --output <template>',
      'image file names: {stream} {time:%Y%m%dT%H%M%SZ} {index:04} {selector}; DIR/ for the default names in DIR',
    )
    .option('--output-dir <dir>', "write the image files into DIR: the default names, or -o's relative template")
    .option('--sheet <file.html>', 'write one self-contained HTML contact sheet (pictures inlined; no files unless -o)')
    .option('--force', 'overwrite existing image files and sheet');
  addTimeOptions(command);
  addRetryOptions(command);
  addAwsOptions(command);
  addOutputModeOptions(command, { progress: 'none' });
  command.addHelpText(
    'after',
    `
Examples:
  kvs-clip images cam1 "today 8am to 9am" --every 1m --sheet cam1.html
  kvs-clip images cam1 --last 30m -o 'shots/{stream}_{time:%H%M%S}.jpg' --width 640
  kvs-clip images demo --local --since 1h --sheet demo.html --json`,
  );
  return command.action(async (stream: string, range: string | undefined, _values: unknown, self: Command) => {
    const values = self.opts();
    const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
      (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
    const options: ImagesOptions = {
      stream,
      ...optional('streamArn', stringOption(values, 'streamArn')),
      time: readTimeSpec(self, range, deps.io),
      ...optional('everyMs', int(values['every'])),
      format: choiceOption(values, 'format', IMAGE_FORMATS, 'jpeg'),
      ...optional('quality', int(values['quality'])),
      ...optional('width', int(values['width'])),
      ...optional('height', int(values['height'])),
      ...optional('output', stringOption(values, 'output')),
      ...optional('outputDir', stringOption(values, 'outputDir')),
      ...optional('sheet', stringOption(values, 'sheet')),
      force: flagOption(values, 'force'),
      download: readRetryOptions(values),
      aws: readAwsOptions(values, deps.io.env),
      mode: readOutputMode(values, deps.io),
    };
    const result = await deps.runImages(options);
    if (options.mode.json) writeJsonDocument(deps.io, successDocument(result));
  });
}
