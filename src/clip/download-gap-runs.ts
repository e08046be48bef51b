import { resolve } from 'node:path';
import { UsageError } from '../errors/usage-error.js';
import { throwIfCancelled } from '../download/cancellation.js';
import type { ManifestIdentity } from '../download/manifest.js';
import { prepareOutput, type PreparedOutput } from '../output/atomic-file.js';
import { renderTemplate, templateHasField, type TemplateFields } from '../output/template.js';
import type { Gap } from '../plan/find-gaps.js';
import type { TimeRange } from '../plan/fragment.js';
import type { Part } from '../plan/part.js';
import { downloadAndJoin, type DownloadAndJoinInput } from './download-and-join.js';
import { pathExists } from './path-exists.js';
import type { GetOptions, PartResult } from './get-types.js';
import type { CallContext } from './plan-window.js';

/** One continuous run of media: the parts between two gaps, and the time its file is named after. */
export type GapRun = { readonly parts: readonly Part[]; readonly range: TimeRange };

/**
 * Refuses `--gaps split` combinations that cannot work, before any network call: stdout, --split, --state, and a
 * template that would give every run the same name. Throws UsageError `E_USAGE` with a hint.
 */
export function checkGapSplitOptions(options: GetOptions): void {
  const { output } = options;
  if (output.gaps !== 'split') return;
  const refuse = (problem: string, hint: string): never => {
    throw new UsageError('E_USAGE', `--gaps split ${problem}`, { hint });
  };
  if (output.path === '-')
    refuse('writes one file per run of media and cannot write to stdout (-o -)', 'Use --gaps keep|close with -o -');
  if (output.split)
    refuse(
      'and --split both choose the files: pass only one',
      '--split: one file per GetClip call; --gaps split: one file per run between gaps',
    );
  if (options.cron !== undefined) refuse('is not available with --state', 'Use --gaps keep|close with --state');
  const template = output.path;
  if (template === undefined || !(templateHasField(template, 'index') || templateHasField(template, 'start'))) {
    refuse(
      `needs an -o template with {index} or {start} so each run gets its own name (got ${template === undefined ? 'the default name' : `"${template}"`})`,
      "e.g. -o 'cam_{index:02}.mp4' or -o 'cam_{start:%Y%m%dT%H%M%SZ}.mp4'",
    );
  }
}

/**
 * The plan's parts grouped into continuous runs (the planner never lets a part span a gap, so each gap ends at the
 * first fragment of some part). Each run is named after its own media span, clipped to the window at both ends.
 * Pure.
 */
export function splitAtGaps(parts: readonly Part[], gaps: readonly Gap[], window: TimeRange): GapRun[] {
  const groups: Part[][] = [];
  let previous: Part | undefined;
  for (const part of parts) {
    const before = previous;
    const gapBefore =
      before !== undefined && gaps.some((gap) => gap.endMs > before.mediaStartMs && gap.endMs <= part.mediaStartMs);
    const current = groups[groups.length - 1];
    if (current === undefined || gapBefore) groups.push([part]);
    else current.push(part);
    previous = part;
  }
  return groups.map((group, index) => {
    const first = group[0];
    const last = group[group.length - 1];
    const startMs = index === 0 || first === undefined ? window.startMs : Math.max(window.startMs, first.mediaStartMs);
    const endMs =
      index === groups.length - 1 || last === undefined ? window.endMs : Math.min(window.endMs, last.mediaEndMs);
    return { parts: group, range: { startMs, endMs } };
  });
}

export type GapRunsInput = Omit<DownloadAndJoinInput, 'parts' | 'identity' | 'target'> & {
  readonly runs: readonly GapRun[];
  readonly template: string;
  readonly fields: TemplateFields;
  readonly cwd: string;
  readonly identity: Omit<ManifestIdentity, 'window'>;
  readonly force: boolean;
  readonly mkdir: boolean;
  readonly skipExisting: boolean;
};

/**
 * `--gaps split`: one joined file per continuous run, named from the -o template (`{index}` 1-based, `{start}`/`{end}`
 * the run's span). Every name is checked before the first GetClip (exists without --force, missing directory);
 * with --skip-existing, runs already on disk are skipped. Each file is an ordinary join with its own resume manifest
 * (identity: the run's span), so a rerun with --skip-existing finishes the interrupted run.
 * Throws what prepareOutput and downloadAndJoin throw.
 */
export async function downloadGapRuns(
  input: GapRunsInput,
  context: CallContext,
): Promise<{ outputs: string[]; parts: PartResult[]; calls: number; outputBytes: number; skipped: number }> {
  const { runs, template, fields, cwd, identity, force, mkdir, skipExisting, ...join } = input;
  const targets: { run: GapRun; prepared: PreparedOutput | null; finalPath: string }[] = [];
  for (const [index, run] of runs.entries()) {
    const finalPath = resolve(
      cwd,
      renderTemplate(template, { ...fields, startMs: run.range.startMs, endMs: run.range.endMs, index: index + 1 }),
    );
    if (targets.some((target) => target.finalPath === finalPath)) {
      throw new UsageError('E_USAGE', `--gaps split: two runs of media would both be written to "${finalPath}"`, {
        hint: "Add {index} to -o, e.g. -o 'cam_{index:02}.mp4'",
      });
    }
    if (skipExisting && (await pathExists(finalPath))) targets.push({ run, prepared: null, finalPath });
    else targets.push({ run, prepared: await prepareOutput(finalPath, { force, mkdir }), finalPath });
  }
  const outputs: string[] = [];
  const parts: PartResult[] = [];
  let calls = 0;
  let outputBytes = 0;
  let skipped = 0;
  for (const { run, prepared, finalPath } of targets) {
    // A cancel that lands between two runs must not start the next one.
    throwIfCancelled(context.signal);
    outputs.push(finalPath);
    if (prepared === null) {
      skipped++;
      continue;
    }
    const done = await downloadAndJoin(
      { ...join, parts: run.parts, identity: { ...identity, window: run.range }, target: { kind: 'file', prepared } },
      context,
    );
    calls += done.calls;
    outputBytes += done.outputBytes;
    parts.push(...done.parts.map((entry) => ({ ...entry, output: finalPath })));
  }
  return { outputs, parts, calls, outputBytes, skipped };
}
