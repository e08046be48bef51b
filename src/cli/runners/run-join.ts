import { realpath } from 'node:fs/promises';
import type { Clip } from '../../mp4/model.js';
import { joinInputWarnings } from '../../mp4/plan/join-input-order.js';
import { joinFiles, type JoinFilesSummary } from '../../mp4/write/join-clips.js';
import { prepareOutput } from '../../output/atomic-file.js';
import { formatDuration } from '../../time/format-duration.js';
import { formatInstant } from '../../time/format-instant.js';
import type { JoinOptions } from '../commands/join.js';
import type { CliIo } from '../io.js';
import { formatBytes } from '../../text/format-bytes.js';
import type { JoinJsonResult, JsonS3Object } from '../render/json.js';
import { createJoinRenderer, type JoinRenderer } from '../render/join-renderer.js';
import { count } from '../../text/count.js';

/**
 * `kvs-clip join`: lossless join of local clips. A file output is written to `<out>.part` and renamed into place
 * only when complete, refusing an existing file without --force (prepareOutput); `-o -` streams fragmented MP4
 * to stdout; `-o s3://…` is uploaded while it is written (run-join-to-s3.ts). With --split-on-change the numbered files are written in place (the existence check still runs).
 * Throws MediaError for unreadable or unjoinable inputs, OutputError for existing or unwritable outputs.
 */
export async function runJoin(options: JoinOptions, io: CliIo): Promise<JoinJsonResult> {
  const report = createJoinRenderer(io, options.mode, options.logFormat);
  try {
    return await joinAndReport(options, io, report);
  } finally {
    report.close();
  }
}

async function joinAndReport(options: JoinOptions, io: CliIo, report: JoinRenderer): Promise<JoinJsonResult> {
  const starts = new Map<string, number>();
  const layout = {
    format: options.format,
    faststart: options.faststart,
    gaps: options.gaps,
    onClip: (name: string, clip: Clip) => {
      if (clip.startMs !== undefined) starts.set(name, clip.startMs);
    },
  };
  let summary: JoinFilesSummary;
  let s3: JsonS3Object[] | undefined;
  if (options.s3 !== undefined) {
    const done = await (await import('./run-join-to-s3.js')).joinToS3(options, io, layout, report);
    summary = done.summary;
    s3 = [done.object];
  } else if (options.output === '-') {
    summary = await joinFiles(options.inputs, io.stdout, { ...layout, format: 'fragmented' });
  } else {
    const prepared = await prepareOutput(options.output, {
      force: options.force,
      mkdir: options.mkdir,
      skipExisting: 'not-offered',
    });
    if (options.splitOnChange) {
      summary = await joinFiles(options.inputs, options.output, { ...layout, splitOnChange: true });
    } else {
      try {
        summary = await joinFiles(options.inputs, prepared.partPath, layout);
        await prepared.commit();
      } catch (error) {
        await prepared.discard();
        throw error;
      }
      summary = { ...summary, outputs: [options.output] };
    }
  }
  if (!options.mode.quiet) await warnAboutOrder(options.inputs, starts, report);
  const result: JoinJsonResult = {
    command: 'join',
    inputs: options.inputs,
    outputs: options.output === '-' ? ['-'] : summary.outputs,
    format: options.format,
    faststart: options.format === 'progressive' && options.faststart,
    bytes: summary.bytes,
    durationMs: summary.durationMs,
    joins: summary.joins,
    gaps: summary.gaps.map((gap) => ({ atMs: gap.atMs, durationMs: gap.durationMs })),
    configChanges: summary.configChanges,
    ...(s3 === undefined ? {} : { s3 }),
  };
  if (!options.mode.quiet && !options.mode.json) {
    report.summary(
      `Joined ${count(options.inputs.length, 'clip')}: ${formatBytes(result.bytes)}, ${formatDuration(result.durationMs)}` +
        `, ${count(result.gaps.length, 'gap')}, ${count(result.configChanges, 'codec change')}`,
      {
        command: 'join',
        outputs: result.outputs,
        bytes: result.bytes,
        durationMs: result.durationMs,
        clips: options.inputs.length,
      },
    );
  }
  if (!options.mode.json && options.output !== '-') io.stdout.write(result.outputs.map((path) => `${path}\n`).join(''));
  return result;
}

/** One warning per input given twice, copied, or out of time order (mp4/plan/join-input-order.ts). */
async function warnAboutOrder(
  inputs: readonly string[],
  starts: ReadonlyMap<string, number>,
  report: JoinRenderer,
): Promise<void> {
  const facts = await Promise.all(
    inputs.map(async (name) => {
      const identity = await realpath(name).catch(() => name);
      const startMs = starts.get(name);
      return { name, identity, ...(startMs === undefined ? {} : { startMs }) };
    }),
  );
  for (const warning of joinInputWarnings(facts, formatInstant)) report.warning(warning);
}
