import { prepareOutput } from '../output/atomic-file.js';
import { DEFAULT_TEMPLATE, templateHasField } from '../output/template.js';
import { outputName } from './output-name.js';
import type { TimeRange } from '../plan/fragment.js';
import { pathExists } from './path-exists.js';
import type { GetOptions } from './get-types.js';

/** When the final output name is known, and what checking it found. */
export type EarlyOutputCheck =
  /** Nothing to check now: `-o -`, --split, --gaps split, a dry run, or a name that needs the clamped window. */
  | { readonly kind: 'later' }
  /** The output exists and --skip-existing (or the cron hook) says that is done. */
  | { readonly kind: 'skip'; readonly finalPath: string }
  /** The output can be written (its directory exists, or --mkdir created it). */
  | { readonly kind: 'ok'; readonly finalPath: string };

/**
 * Whether the final name depends on the window's start, which the retention clamp (after DescribeStream) may move:
 * such names can only be checked once the stream was described. `{end}` is never clamped.
 */
export function nameNeedsClampedWindow(options: GetOptions): boolean {
  const template = options.output.path ?? DEFAULT_TEMPLATE;
  return templateHasField(template, 'start') || templateHasField(template, 'date');
}

/**
 * Refuses a run whose single output cannot be written before any GetClip or listing (docs/resume-and-state.md, "Output
 * files"): called before the first network call when the name does not depend on the clamped window, else right after
 * DescribeStream. Throws OutputError `E_OUTPUT_EXISTS` (exists, no --force / --skip-existing) and `E_OUTPUT_WRITE`
 * (missing directory without --mkdir, a directory in the way, an unreadable parent), UsageError for a bad template.
 */
export async function checkOutputEarly(
  options: GetOptions,
  context: { cwd: string; window: TimeRange; existingIsDone: boolean },
): Promise<EarlyOutputCheck> {
  const { output } = options;
  if (output.path === '-' || output.split || output.gaps === 'split' || options.download.dryRun)
    return { kind: 'later' };
  const finalPath = outputName(
    { ...output, stream: options.stream, selector: options.time.selector },
    context.window,
    context.cwd,
  );
  if ((output.skipExisting || context.existingIsDone) && (await pathExists(finalPath)))
    return { kind: 'skip', finalPath };
  await prepareOutput(finalPath, { force: output.force, mkdir: output.mkdir });
  return { kind: 'ok', finalPath };
}
