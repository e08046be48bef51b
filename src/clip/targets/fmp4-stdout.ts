import { join } from 'node:path';
import { makeScratchDir } from '../../output/scratch-dir.js';
import { openMp4Joiner } from '../open-joiner.js';
import { manifestIdentity } from './manifest-identity.js';
import type { JoinedTarget, JoinSource, TargetRequest, TargetWritten } from './output-target.js';

/**
 * `-o -`: fragmented MP4 streamed to stdout as the parts arrive (the fragmented writer never seeks). Parts are
 * spooled in a private temporary folder that is removed afterwards, even when a closed pipe ends the process at
 * once; a stream cannot be resumed.
 */
export function fmp4StdoutTarget(request: TargetRequest, stdout: NodeJS.WritableStream): JoinedTarget {
  return {
    kind: 'fmp4-stdout',
    prepare: () => Promise.resolve({ kind: 'ready', outputs: ['-'] }),
    async write(source: JoinSource): Promise<TargetWritten> {
      const scratch = await makeScratchDir();
      const spoolBase = join(scratch.path, 'stdout');
      try {
        const done = await source.joinInto({
          identity: manifestIdentity(request),
          layout: request.layout,
          target: { kind: 'stream', stream: stdout, spoolBase },
          resume: false,
          keepParts: false,
          openJoiner: openMp4Joiner,
        });
        return { output: '-', outputs: ['-'], calls: done.calls, parts: done.parts, bytes: done.outputBytes };
      } finally {
        await scratch.remove();
      }
    },
  };
}
