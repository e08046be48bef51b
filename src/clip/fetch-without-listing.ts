import { rm } from 'node:fs/promises';
import { createPrivateFile, makePublicFileMode } from '../download/create-private-file.js';
import { InternalError } from '../errors/internal-error.js';
import { UsageError } from '../errors/usage-error.js';
import { prepareOutput } from '../output/atomic-file.js';
import { makeScratchDir } from '../output/scratch-dir.js';
import type { Plan } from '../plan/plan-parts.js';
import { fetchByTimeWindows } from './fetch-by-time-windows.js';
import { finishGet } from './finish-get.js';
import type { GetDeps, GetOptions } from './get-types.js';
import { joinLayoutOf } from './join-layout-of.js';
import type { JoinLayout } from './join-port.js';
import { outputName } from './output-name.js';
import { pathExists } from './path-exists.js';
import type { CallContext } from './plan-window.js';
import { readSpooledClip } from './read-spooled-clip.js';
import { resultOf, type ResultFacts, type ResultChanges } from './result-of.js';
import type { WindowHooks, WindowOutcome } from './window-types.js';

/**
 * ListFragments was denied: download by adaptive time windows (fetchByTimeWindows) into a joined file or stdout.
 * No plan, gaps, resume or --split; `--dry-run` can only echo the window. The result and post-steps go through the
 * same resultOf / finishGet as a listed run.
 */
export async function fetchWithoutListing(
  options: GetOptions,
  deps: GetDeps,
  context: CallContext,
  run: { facts: ResultFacts; hooks: WindowHooks },
): Promise<WindowOutcome> {
  const { window } = run.facts;
  const { output } = options;
  const { selector } = options.time;
  const emptyPlan: Plan = { selector, window, parts: [], gaps: [], covered: null, ...zero };
  const outcome = (changes: ResultChanges): WindowOutcome => ({
    result: resultOf(run.facts, null, changes),
    plan: emptyPlan,
    lastFragment: undefined,
  });
  if (options.download.dryRun) return outcome({});
  if (output.split || options.cron !== undefined || output.gaps === 'split') {
    throw new UsageError(
      'E_USAGE',
      '--split, --gaps split and --state need ListFragments, which these credentials may not call',
      { hint: 'Allow kinesisvideo:ListFragments for these credentials' },
    );
  }
  const layout = joinLayoutOf(output);
  const shared = { window, selector, layout, readClip: readSpooledClip, kvs: context.kvs };
  if (output.path === '-') {
    if (deps.stdout === undefined) throw new InternalError('runGet was asked for -o - without deps.stdout');
    const scratch = await makeScratchDir();
    const done = await fetchByTimeWindows({ ...shared, output: deps.stdout, spoolDir: scratch.path }, context).finally(
      () => scratch.remove(),
    );
    const written = outcome({ output: '-', outputs: ['-'], calls: done.calls, bytes: done.bytes });
    return finishGet(written, options, deps, run.hooks);
  }
  const finalPath = outputName({ ...output, stream: options.stream, selector }, window, deps.cwd);
  if (output.skipExisting && (await pathExists(finalPath)))
    return outcome({ output: finalPath, outputs: [finalPath], skipped: true });
  const done = await joinIntoFile(finalPath, output, layout, (partPath) =>
    fetchByTimeWindows({ ...shared, output: partPath, spoolDir: `${finalPath}.kvsclip.d` }, context),
  );
  const written = outcome({ output: finalPath, outputs: [finalPath], calls: done.calls, bytes: done.bytes });
  return finishGet(written, options, deps, run.hooks);
}

/**
 * The joined file: `.part` beside the final name, the joiner's files created private first (as in downloadAndJoin),
 * renamed into place with a plain file's mode once `join` succeeds; on failure nothing under the final name.
 */
async function joinIntoFile(
  finalPath: string,
  output: GetOptions['output'],
  layout: JoinLayout,
  join: (partPath: string) => Promise<{ calls: number; bytes: number }>,
): Promise<{ calls: number; bytes: number }> {
  const prepared = await prepareOutput(finalPath, { force: output.force, mkdir: output.mkdir });
  const progressive = layout.format === 'progressive';
  const scratch = [
    prepared.partPath,
    ...(progressive ? [`${prepared.partPath}.kvsjoin`] : []),
    ...(progressive && layout.faststart ? [`${prepared.partPath}.faststart`] : []),
  ];
  try {
    for (const path of scratch) await createPrivateFile(path);
    const done = await join(prepared.partPath);
    await rm(`${prepared.partPath}.faststart`, { force: true });
    await prepared.commit();
    await makePublicFileMode(finalPath);
    return done;
  } catch (error) {
    await prepared.discard();
    await rm(`${prepared.partPath}.faststart`, { force: true });
    throw error;
  }
}

const zero = { fragmentCount: 0, sizeBytes: 0 } as const;
