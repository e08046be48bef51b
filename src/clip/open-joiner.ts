import { rm } from 'node:fs/promises';
import { createPrivateFile } from '../download/create-private-file.js';
import type { FetchedPart } from '../download/fetch-parts.js';
import { UsageError } from '../errors/usage-error.js';
import { openFileSource } from '../mp4/write/file-source.js';
import type { Joiner } from '../mp4/write/join-clips.js';
import { formatInstant } from '../time/format-instant.js';
import type { OpenJoiner, WindowClip } from './join-port.js';

/**
 * The joiner port over src/mp4's createJoiner: each spooled part is opened, appended at its KVS start (the first
 * fragment's timestamp, docs/joiner.md, "Anchors and the timeline") and closed again. Part names are their time spans,
 * so a resumed join replays the same names. Throws UsageError for `--gaps split` (runGet writes one join per run
 * instead).
 */
export const openMp4Joiner: OpenJoiner = async (options) => {
  if (options.gaps === 'split') {
    // runGet splits at gaps itself (one ordinary join per run): a joiner asked to split is a wiring mistake.
    throw new UsageError('E_USAGE', '--gaps split cannot be joined into one output', {
      hint: 'Use --gaps keep|close, or --split for one file per part',
    });
  }
  const path = typeof options.output === 'string' ? options.output : null;
  const progressive = path !== null && options.format === 'progressive';
  const fresh = options.resume === null || options.resume === undefined;
  // The joiner's own scratch files: src/mp4 opens them with the default mode, so they are created private first
  // (the .part stays 0o600 until the finished output gets a plain mode), and removed here on every way out.
  if (progressive && fresh) await createPrivateFile(joinerScratch(path).journal);
  const faststartTemp = progressive && options.faststart ? joinerScratch(path).faststart : null;
  // Loaded on first use: src/mp4's writers (~60 modules) are never needed by a --dry-run (docs/pipeline.md, "Start-up").
  const { createJoiner } = await import('../mp4/write/join-clips.js');
  const joiner = await createJoiner({
    output:
      typeof options.output === 'string'
        ? { kind: 'file', path: options.output, ...(options.sink === undefined ? {} : { sink: options.sink }) }
        : { kind: 'stream', stream: options.output },
    format: options.format,
    faststart: options.faststart,
    gaps: options.gaps,
    ...(options.expectedDurationMs === undefined ? {} : { expectedDurationMs: options.expectedDurationMs }),
    // The manifest stores what append returned; the joiner validates it when it reads it back.
    ...(options.resume === null || options.resume === undefined ? {} : { resume: options.resume }),
  });
  return {
    append: (fetched, append = {}) =>
      'part' in fetched ? appendPart(joiner, fetched, append) : appendWindowClip(joiner, fetched),
    sync: () => joiner.sync(),
    async finish() {
      if (faststartTemp !== null) await createPrivateFile(faststartTemp);
      try {
        const summary = await joiner.finish();
        return { bytes: summary.bytes };
      } finally {
        if (faststartTemp !== null) await rm(faststartTemp, { force: true });
      }
    },
    async abort() {
      await joiner.abort();
      if (faststartTemp !== null) await rm(faststartTemp, { force: true });
    },
  };
};

/** A planned part, appended at its KVS start (its first fragment's timestamp). */
async function appendPart(
  joiner: Joiner,
  fetched: FetchedPart,
  options: { readonly durable?: boolean },
): Promise<unknown> {
  // A streamed head part is read from its body as it arrives (docs/pipeline.md, "Write once").
  const source = fetched.body ?? (await openFileSource(fetched.path));
  try {
    return await joiner.append(
      {
        source,
        clip: fetched.clip,
        name: `part ${formatInstant(fetched.part.startMs)}..${formatInstant(fetched.part.endMs)}`,
        startMs: fetched.part.mediaStartMs,
      },
      options,
    );
  } finally {
    // The joiner is done with a streamed body: whatever still arrives is dropped, not held for it.
    if (fetched.body === undefined) await source.close();
    else fetched.body.release(Number.POSITIVE_INFINITY);
  }
}

/** A time window's clip, read from its spool file and anchored by media duration (no fragment timestamp known). */
async function appendWindowClip(joiner: Joiner, fetched: WindowClip): Promise<unknown> {
  const source = await openFileSource(fetched.path);
  try {
    const { startMs, endMs } = fetched.window;
    return await joiner.append({
      source,
      clip: fetched.clip,
      name: `window ${formatInstant(startMs)}..${formatInstant(endMs)}`,
    });
  } finally {
    await source.close();
  }
}

/**
 * The scratch files a progressive join keeps beside its output: the resume journal, the spilled sample tables
 * (src/mp4/write/table-spill-file.ts; a SIGKILL leaves them) and the faststart copy.
 */
export function joinerScratch(path: string): { journal: string; tables: string; faststart: string } {
  return { journal: `${path}.kvsjoin`, tables: `${path}.kvstables`, faststart: `${path}.faststart` };
}
