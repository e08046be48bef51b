import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { flagOption } from '../options/option-values.js';
import { addOutputModeOptions, readOutputMode, type OutputMode } from '../options/output-mode.js';
import { successDocument, writeJsonDocument, type InspectJsonResult } from '../render/json.js';

/** `kvs-clip inspect`: tracks, codecs, duration and box layout of one MP4. */
export type InspectOptions = {
  readonly file: string;
  /** `--boxes`: print the whole box tree, not just the summary. */
  readonly boxes: boolean;
  readonly mode: OutputMode;
};

export type InspectCommandDeps = {
  readonly io: CliIo;
  readonly runInspect: (options: InspectOptions) => Promise<InspectJsonResult>;
};

/** Build `kvs-clip inspect <file>`. */
export function inspectCommand(deps: InspectCommandDeps): Command {
  const command = new Command('inspect')
    .description('show tracks, codecs, duration and box layout of an MP4')
    .argument('<file>', 'MP4 file')
    .option('--boxes', 'print the full box tree');
  addOutputModeOptions(command, { progress: 'none' });
  command.addHelpText(
    'after',
    `
Examples:
  kvs-clip inspect cam1.mp4
  kvs-clip inspect cam1.mp4 --boxes
  kvs-clip inspect cam1.mp4 --json`,
  );
  return command.action(async (file: string, _values: unknown, self: Command) => {
    const values = self.opts();
    const options: InspectOptions = { file, boxes: flagOption(values, 'boxes'), mode: readOutputMode(values, deps.io) };
    const result = await deps.runInspect(options);
    if (options.mode.json) writeJsonDocument(deps.io, successDocument(result));
  });
}
