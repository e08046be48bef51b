import { join } from 'node:path';
import { makeScratchDir } from '../../output/scratch-dir.js';
import { downloadAndJoin } from '../download-and-join.js';
import { openMp4Joiner } from '../open-joiner.js';
import { manifestIdentity } from './manifest-identity.js';
import { sourceFields } from './joined-file.js';
import type { OutputTarget, PartSource, TargetRequest, TargetWritten } from './output-target.js';

/**
 * `-o -`: fragmented MP4 streamed to stdout as the parts arrive (the fragmented writer never seeks). Parts are
 * spooled in a private temporary folder that is removed afterwards, even when a closed pipe ends the process at
 * once; a stream cannot be resumed.
 */
export function fmp4StdoutTarget(request: TargetRequest, stdout: NodeJS.WritableStream): OutputTarget {
  return {
    kind: 'fmp4-stdout',
    prepare: () => Promise.resolve({ kind: 'ready', outputs: ['-'] }),
    async write(source: PartSource): Promise<TargetWritten> {
      const scratch = await makeScratchDir();
      const spoolBase = join(scratch.path, 'stdout');
      try {
        const done = await downloadAndJoin(
          {
            ...sourceFields(source),
            identity: manifestIdentity(request),
            layout: request.layout,
            target: { kind: 'stream', stream: stdout, spoolBase },
            resume: false,
            keepParts: false,
            openJoiner: openMp4Joiner,
          },
          source.context,
        );
        return { output: '-', outputs: ['-'], calls: done.calls, parts: done.parts, bytes: done.outputBytes };
      } finally {
        await scratch.remove();
      }
    },
  };
}
