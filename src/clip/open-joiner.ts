import { UsageError } from '../errors/usage-error.js';
import { createJoiner } from '../mp4/join-clips.js';
import { openFileSource } from '../mp4/file-source.js';
import { formatInstant } from '../time/format-instant.js';
import type { OpenJoiner } from './join-port.js';

/**
 * The joiner port over src/mp4's createJoiner: each spooled part is opened, appended at its KVS start (the first
 * fragment's timestamp, mp4-join.md §4) and closed again. Part names are their time spans, so a resumed join
 * replays the same names. Throws UsageError for `--gaps split` (runGet writes one join per run instead).
 */
export const openMp4Joiner: OpenJoiner = async (options) => {
  if (options.gaps === 'split') {
    // runGet splits at gaps itself (one ordinary join per run): a joiner asked to split is a wiring mistake.
    throw new UsageError('E_USAGE', '--gaps split cannot be joined into one output', {
      hint: 'Use --gaps keep|close, or --split for one file per part',
    });
  }
  const joiner = await createJoiner({
    output:
      typeof options.output === 'string'
        ? { kind: 'file', path: options.output }
        : { kind: 'stream', stream: options.output },
    format: options.format === 'fmp4' ? 'fmp4' : 'progressive',
    faststart: options.faststart,
    gaps: options.gaps,
    ...(options.expectedDurationMs === undefined ? {} : { expectedDurationMs: options.expectedDurationMs }),
    // The manifest stores what append returned; the joiner validates it when it reads it back.
    ...(options.resume === null || options.resume === undefined ? {} : { resume: options.resume }),
  });
  return {
    async append(fetched) {
      const source = await openFileSource(fetched.path);
      try {
        return await joiner.append({
          source,
          clip: fetched.clip,
          name: `part ${formatInstant(fetched.part.startMs)}..${formatInstant(fetched.part.endMs)}`,
          startMs: fetched.part.mediaStartMs,
        });
      } finally {
        await source.close();
      }
    },
    async finish() {
      const summary = await joiner.finish();
      return { bytes: summary.bytes };
    },
    abort: () => joiner.abort(),
  };
};
