import { downloadSplit } from '../download-split.js';
import { sourceFields } from './joined-file.js';
import type { OutputTarget, PartSource, TargetRequest, TargetWritten } from './output-target.js';

/**
 * `--split`: each GetClip body kept as its own file, named from the -o template per part ({index} 1-based,
 * {start}/{end} the part's own span). Existing parts are skipped with --skip-existing, refused without --force,
 * before the first GetClip.
 */
export function splitFilesTarget(request: TargetRequest): OutputTarget {
  const { stream, window, selector } = request;
  return {
    kind: 'split-files',
    prepare: () => Promise.resolve({ kind: 'ready', outputs: [] }),
    async write(source: PartSource): Promise<TargetWritten> {
      const done = await downloadSplit(
        {
          ...sourceFields(source),
          template: request.template,
          fields: { stream, startMs: window.startMs, endMs: window.endMs, selector },
          cwd: request.cwd,
          force: request.force,
          mkdir: request.mkdir,
          skipExisting: request.skipExisting,
        },
        source.context,
      );
      const skipped = done.outputs.length === 0 && source.parts.length > 0;
      const written = { output: null, outputs: done.outputs, calls: done.calls, parts: done.parts };
      return { ...written, bytes: done.outputBytes, skipped };
    },
  };
}
