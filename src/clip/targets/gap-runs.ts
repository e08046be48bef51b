import { downloadGapRuns, splitAtGaps } from '../download-gap-runs.js';
import { openMp4Joiner } from '../open-joiner.js';
import { manifestIdentity } from './manifest-identity.js';
import type { OutputTarget, PartSource, TargetRequest, TargetWritten } from './output-target.js';

/**
 * `--gaps split`: one joined file per continuous run of media between gaps. Each run is an ordinary join (no gap
 * inside), with its own resume manifest; the manifest identity still records the split policy.
 */
export function gapRunsTarget(request: TargetRequest): OutputTarget {
  const { stream, window, selector } = request;
  return {
    kind: 'gap-runs',
    prepare: () => Promise.resolve({ kind: 'ready', outputs: [] }),
    async write(source: PartSource): Promise<TargetWritten> {
      const runs = splitAtGaps(source.plan.parts, source.plan.gaps, window);
      const { window: _window, ...identity } = manifestIdentity(request);
      const done = await downloadGapRuns(
        {
          concurrency: source.concurrency,
          replanner: source.replanner,
          readClip: source.readClip,
          getClip: source.getClip,
          runs,
          template: request.template,
          fields: { stream, startMs: window.startMs, endMs: window.endMs, selector },
          cwd: request.cwd,
          identity,
          layout: { ...request.layout, gaps: 'keep' },
          force: request.force,
          mkdir: request.mkdir,
          skipExisting: request.skipExisting,
          resume: request.resume,
          keepParts: request.keepParts,
          openJoiner: openMp4Joiner,
        },
        source.context,
      );
      const output = done.outputs.length === 1 ? (done.outputs[0] ?? null) : null;
      const skipped = done.skipped === runs.length;
      return { output, outputs: done.outputs, skipped, calls: done.calls, parts: done.parts, bytes: done.outputBytes };
    },
  };
}
