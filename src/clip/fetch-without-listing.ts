import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPrivateFile, makePublicFileMode } from '../download/create-private-file.js';
import { InternalError } from '../errors/internal-error.js';
import { UsageError } from '../errors/usage-error.js';
import { prepareOutput } from '../output/atomic-file.js';
import { DEFAULT_TEMPLATE, renderTemplate } from '../output/template.js';
import type { TimeRange } from '../plan/fragment.js';
import type { Plan } from '../plan/plan-parts.js';
import { fetchByTimeWindows } from './fetch-by-time-windows.js';
import { finishGet, pathExists } from './finish-get.js';
import type { GetDeps, GetOptions, GetResult } from './get-types.js';
import type { JoinLayout } from './join-port.js';
import type { CallContext } from './plan-window.js';
import { readSpooledClip } from './read-spooled-clip.js';
import type { WindowOutcome } from './run-get.js';

/**
 * ListFragments was denied: download by adaptive time windows (fetchByTimeWindows). No plan, gaps, resume or
 * --split; `--dry-run` can only echo the window.
 */
export async function fetchWithoutListing(
  options: GetOptions,
  deps: GetDeps,
  context: CallContext,
  facts: {
    window: TimeRange;
    base: Omit<GetResult, 'covered' | 'parts' | 'bytes' | 'fragments' | 'gaps' | 'durationMs'>;
    startedMs: number;
    dryRun: boolean;
  },
): Promise<WindowOutcome> {
  const { window } = facts;
  const emptyPlan: Plan = {
    selector: options.selector,
    window,
    parts: [],
    gaps: [],
    covered: null,
    fragmentCount: 0,
    sizeBytes: 0,
  };
  const result = (extra: Partial<GetResult>): GetResult => ({
    ...facts.base,
    covered: null,
    parts: [],
    bytes: 0,
    fragments: 0,
    gaps: [],
    retries: context.stats.retries,
    durationMs: deps.nowMs() - facts.startedMs,
    ...extra,
  });
  if (facts.dryRun) return { result: result({}), plan: emptyPlan, lastFragment: undefined };
  if (options.split === true || options.state !== undefined || options.gaps === 'split') {
    throw new UsageError(
      'E_USAGE',
      '--split, --gaps split and --state need ListFragments, which these credentials may not call',
      {
        hint: 'Allow kinesisvideo:ListFragments for these credentials',
      },
    );
  }
  const layout: JoinLayout = {
    format: options.output === '-' ? 'fmp4' : (options.format ?? 'mp4'),
    faststart: options.faststart ?? true,
    gaps: options.gaps ?? 'keep',
  };
  const shared = { window, selector: options.selector, layout, readClip: readSpooledClip, kvs: context.kvs };
  if (options.output === '-') {
    if (deps.stdout === undefined) throw new InternalError('runGet was asked for -o - without deps.stdout');
    const spoolDir = await mkdtemp(join(tmpdir(), 'kvs-clip-'));
    const done = await fetchByTimeWindows({ ...shared, output: deps.stdout, spoolDir }, context);
    return finishGet(
      result({ output: '-', outputs: ['-'], calls: done.calls, bytes: done.bytes }),
      emptyPlan,
      undefined,
      options,
      deps,
    );
  }
  const finalPath = resolve(
    deps.cwd,
    renderTemplate(options.output ?? DEFAULT_TEMPLATE, {
      stream: options.stream,
      startMs: window.startMs,
      endMs: window.endMs,
      selector: options.selector,
    }),
  );
  if (options.skipExisting === true && (await pathExists(finalPath))) {
    return {
      result: result({ output: finalPath, outputs: [finalPath], skipped: true }),
      plan: emptyPlan,
      lastFragment: undefined,
    };
  }
  const prepared = await prepareOutput(finalPath, { force: options.force === true, mkdir: options.mkdir === true });
  // As in downloadAndJoin: the joiner's files are created private first, the finished output gets a plain mode.
  const scratch = [
    prepared.partPath,
    `${prepared.partPath}.kvsjoin`,
    ...(layout.faststart ? [`${prepared.partPath}.faststart`] : []),
  ];
  try {
    for (const path of scratch) await createPrivateFile(path);
    const done = await fetchByTimeWindows(
      { ...shared, output: prepared.partPath, spoolDir: `${finalPath}.kvsclip.d` },
      context,
    );
    await rm(`${prepared.partPath}.faststart`, { force: true });
    await prepared.commit();
    await makePublicFileMode(finalPath);
    return finishGet(
      result({ output: finalPath, outputs: [finalPath], calls: done.calls, bytes: done.bytes }),
      emptyPlan,
      undefined,
      options,
      deps,
    );
  } catch (error) {
    await prepared.discard();
    await rm(`${prepared.partPath}.faststart`, { force: true });
    throw error;
  }
}
