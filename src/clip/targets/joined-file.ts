import { prepareOutput, type PreparedOutput } from '../../output/atomic-file.js';
import { openMp4Joiner } from '../open-joiner.js';
import { outputName } from '../output-name.js';
import { pathExists } from '../path-exists.js';
import { manifestIdentity } from './manifest-identity.js';
import type {
  JoinedTarget,
  JoinSource,
  PartSource,
  TargetPrepared,
  TargetRequest,
  TargetWritten,
} from './output-target.js';

/**
 * One progressive (or fragmented, `--format fragmented`) MP4 file: the parts are joined into `<final>.part` with a resume
 * manifest beside it and renamed into place when complete.
 */
export function joinedFileTarget(request: TargetRequest): JoinedTarget {
  const finalPath = outputName(
    { path: request.template, stream: request.stream, selector: request.selector },
    request.window,
    request.cwd,
  );
  let prepared: PreparedOutput | null = null;
  return {
    kind: 'joined-file',
    async prepare(): Promise<TargetPrepared> {
      if ((request.skipExisting || request.existingIsDone) && (await pathExists(finalPath)))
        return { kind: 'skip', outputs: [finalPath] };
      prepared = await prepareOutput(finalPath, { force: request.force, mkdir: request.mkdir });
      return { kind: 'ready', outputs: [finalPath], pendingOutput: finalPath };
    },
    async write(source: JoinSource): Promise<TargetWritten> {
      prepared ??= await prepareOutput(finalPath, { force: request.force, mkdir: request.mkdir });
      const done = await source.joinInto({
        identity: manifestIdentity(request),
        layout: request.layout,
        target: { kind: 'file', prepared },
        resume: request.resume,
        keepParts: request.keepParts,
        openJoiner: openMp4Joiner,
        // The head part streams into the .part; only parts downloaded ahead are spooled (docs/pipeline.md).
        writeOnce: true,
      });
      return { output: finalPath, outputs: [finalPath], calls: done.calls, parts: done.parts, bytes: done.outputBytes };
    },
  };
}

/** The PartSource fields downloadAndJoin and the split download take as they are. */
export function sourceFields(source: PartSource) {
  const { parts, concurrency, replanner, readClip, getClip } = source;
  return { parts, concurrency, replanner, readClip, getClip };
}
