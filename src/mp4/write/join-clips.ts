/**
 * The joiner's public API (design: docs/joiner.md): parts in order → one MP4, to a file (progressive, faststart by
 * default) or a non-seekable stream (fragmented). Payload is streamed from each part's `ByteSource`; memory holds
 * only compact tables. A checkpoint after every part lets another process resume a file join byte-identically.
 *
 * Longer than 300 lines: it is the joiner's whole public API (createJoiner, the fragmented joiner, joinFiles and
 * their option types), kept in one file so every entry point and the errors it throws are read in one place; the
 * planning is in mp4/plan and the byte writing in the writers beside this file.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { InternalError } from '../../errors/internal-error.js';
import { UsageError } from '../../errors/usage-error.js';
import { loadClip, saveClip } from '../read/clip-record.js';
import { checkCheckpoint, START_OVER_HINT, type JoinCheckpoint } from '../plan/join-checkpoint.js';
import { JoinJournal } from './join-journal.js';
import type { ByteSource, Clip, OutputFormat } from '../model.js';
import type { GapPolicy } from '../plan/join-timeline.js';
import { JoinPlan } from '../plan/plan-join.js';
import { buildMoovChunks } from '../boxes/build-moov.js';
import { openFileSource } from './file-source.js';
import { isMismatch, joinFilesOnePass, numberedPath, type OpenSequentialSink } from './join-files-one-pass.js';
import { summariseJoin, type JoinSummary } from '../plan/join-summary.js';
import { moovReserveBytes } from '../plan/moov-reserve.js';
import { readClip } from '../read/read-clip.js';
import { streamSink, type Sink } from './stream-sink.js';
import { FragmentedWriter } from './write-fragmented.js';
import { PAYLOAD_OFFSET, ProgressiveWriter } from './write-progressive.js';
import { TableSpillFile } from './table-spill-file.js';
import type { OpenPositionedSink } from './positioned-sink.js';

export type { JoinGap } from '../plan/join-timeline.js';
export type { JoinCheckpoint } from '../plan/join-checkpoint.js';
export type { JoinSummary, JoinTrackSummary } from '../plan/join-summary.js';

export type JoinOutput =
  /**
   * A file, or with `sink` a progressive output sent through that sink instead (an S3 upload, docs/s3.md); `path`
   * then names the journal (`<path>.kvsjoin`) and the messages.
   */
  | { readonly kind: 'file'; readonly path: string; readonly sink?: OpenPositionedSink }
  /** Non-seekable (stdout, a pipe): always fragmented. The joiner never ends the stream. */
  | { readonly kind: 'stream'; readonly stream: NodeJS.WritableStream };

export type JoinOptions = {
  readonly output: JoinOutput;
  /** Default: `progressive` for files, `fragmented` for streams (a stream cannot be progressive). */
  readonly format?: OutputFormat;
  /** Put `moov` in front with one extra sequential pass (progressive only). Default true. */
  readonly faststart?: boolean;
  /** `keep` (default): a gap is one long sample duration; `close`: parts are butted together. */
  readonly gaps?: GapPolicy;
  /** Past this many bytes use `co64` and a 64-bit mdat size. Default 2^32 − 1; tests lower it. */
  readonly largeFileThresholdBytes?: number;
  /**
   * Continue a progressive file join from the checkpoint of its last committed part: a `JoinCheckpoint` returned by
   * `append`, e.g. read back from a JSON manifest (validated here).
   */
  readonly resume?: unknown;
  /**
   * The whole join's expected presentation duration (ms), e.g. the planned time range of a `get`. With faststart on
   * a new progressive file, room for `moov` is reserved in front of the payload, sized after the first part
   * (its moov bytes per second × this duration × 1.5 + 64 KiB), so `finish` writes `moov` in place instead of
   * copying the whole file; when it does not fit, `finish` falls back to the faststart copy. Ignored for streams,
   * fragmented output, `faststart: false` and resumed joins (they keep the layout they started with).
   */
  readonly expectedDurationMs?: number;
};

export type JoinPart = {
  readonly source: ByteSource;
  readonly clip: Clip;
  /** Used in error messages (a file name, or the part's time span). */
  readonly name: string;
  /**
   * Absolute KVS start of the part's first fragment (epoch ms); anchors the part (docs/joiner.md, "Anchors and the
   * timeline").
   */
  readonly startMs?: number;
};

export type Joiner = {
  /**
   * Appends the next part and returns the checkpoint once its bytes are durable; with `durable: false` (a progressive
   * file) once they are written: the checkpoint may be stored only after `sync` has resolved.
   */
  append(part: JoinPart, options?: { readonly durable?: boolean }): Promise<JoinCheckpoint>;
  /**
   * Makes every part appended so far durable (their bytes, then their journal lines); for a progressive file joined
   * with `durable: false`, while the next part is already being copied. A no-op for a fragmented join.
   */
  sync(): Promise<void>;
  /** Completes the output (moov, faststart) and returns what was written. */
  finish(): Promise<JoinSummary>;
  /** Stops; a file output is left as is (resumable from the last checkpoint). */
  abort(): Promise<void>;
};

const DEFAULT_THRESHOLD = 0xffffffff;

/**
 * Starts a join. Throws `UsageError('E_USAGE')` for impossible combinations (progressive to a stream, resume of a
 * stream or of a checkpoint with other settings), `OutputError('E_OUTPUT_WRITE')` when the file cannot be opened;
 * `append` throws `MediaError` (`E_JOIN_MISMATCH` naming both parts, `E_MEDIA_UNSUPPORTED`) and I/O errors.
 */
export async function createJoiner(options: JoinOptions): Promise<Joiner> {
  const output = options.output;
  const format = options.format ?? (output.kind === 'file' ? 'progressive' : 'fragmented');
  const gaps = options.gaps ?? 'keep';
  const threshold = options.largeFileThresholdBytes ?? DEFAULT_THRESHOLD;
  if (output.kind === 'stream' && format === 'progressive') {
    throw new UsageError(
      'E_USAGE',
      'Progressive MP4 needs a seekable file; a stream gets fragmented MP4 (--format fragmented)',
    );
  }
  if (format === 'fragmented') {
    if (options.resume !== undefined)
      throw new UsageError('E_USAGE', 'A fragmented join cannot be resumed', { hint: START_OVER_HINT });
    const sink = output.kind === 'stream' ? streamSink(output.stream) : fileSink(output.path);
    return fragmentedJoiner(new FragmentedWriter(sink.write, { gaps }), sink.close, threshold, gaps);
  }
  if (output.kind !== 'file') throw new InternalError('progressive join without a file');
  const resume =
    options.resume === undefined
      ? undefined
      : checkCheckpoint(options.resume, {
          gaps,
          threshold,
          path: output.path,
          unreservedPayloadOffset: PAYLOAD_OFFSET,
        });
  // Full table blocks wait for the moov in a scratch file next to the journal (docs/joiner.md, "Memory").
  const tables = new TableSpillFile(`${output.path}.kvstables`);
  const plan = new JoinPlan({ gaps, spill: tables.spill });
  let journal: JoinJournal;
  let writer: ProgressiveWriter;
  try {
    journal = await openJournal(`${output.path}.kvsjoin`, plan, resume);
    try {
      writer =
        output.sink !== undefined
          ? ProgressiveWriter.over(await output.sink(resume?.committedBytes ?? null), resume)
          : resume === undefined
            ? await ProgressiveWriter.create(output.path)
            : await ProgressiveWriter.resume(output.path, resume);
    } catch (error) {
      await journal.close();
      throw error;
    }
  } catch (error) {
    tables.close();
    throw error;
  }
  const faststart = options.faststart ?? true;
  const expectedMs = faststart && resume === undefined ? (options.expectedDurationMs ?? 0) : 0;
  let parts = resume?.parts ?? 0;
  return {
    async append(part, options = {}) {
      const durable = options.durable ?? true;
      const { pieces } = plan.append(part);
      if (parts === 0 && expectedMs > 0) await writer.startPayload(firstReserve(plan, threshold, expectedMs));
      await writer.appendPart(part.source, pieces, { durable });
      await journal.append(withStart({ name: part.name, clip: saveClip(part.clip) }, part.startMs), { durable });
      parts++;
      return {
        version: 2,
        format: 'progressive',
        gaps,
        largeFileThresholdBytes: threshold,
        committedBytes: writer.offset,
        parts,
        journalBytes: journal.bytes,
        payloadOffset: writer.payloadOffset ?? PAYLOAD_OFFSET,
      };
    },
    async sync() {
      // The bytes first, then the journal: a checkpoint never names a line whose bytes are not on disk (lines of a
      // part appended meanwhile may be flushed too; a resume cuts the journal at the checkpoint's length).
      await writer.sync();
      await journal.sync();
    },
    async finish() {
      const movie = plan.movie();
      let bytes: number;
      try {
        bytes = await writer.finish(movie, { faststart, co64ThresholdBytes: threshold });
      } finally {
        tables.close();
      }
      // Through a sink (an S3 upload) the output is only complete once the caller commits it, and that can fail:
      // the journal stays for a resume until then, and the caller removes it (src/clip/download-and-join.ts).
      if (output.sink === undefined) await journal.remove();
      else await journal.close();
      return summariseJoin(bytes, plan.timeline, movie.tracks);
    },
    async abort() {
      tables.close();
      await journal.close();
      await writer.close().catch(() => undefined);
    },
  };
}

/**
 * The join's journal: a new one, or for a resume the old one replayed into `plan` (its tables rebuilt) and checked
 * against the checkpoint. Throws `UsageError('E_USAGE')` when it cannot be replayed or does not match.
 */
async function openJournal(
  journalPath: string,
  plan: JoinPlan,
  resume: { parts: number; journalBytes: number; payloadOffset: number; committedBytes: number } | undefined,
): Promise<JoinJournal> {
  if (resume === undefined) return JoinJournal.create(journalPath);
  const replay = await JoinJournal.resume(journalPath, resume.journalBytes, (saved) => {
    try {
      plan.append(withStart({ clip: loadClip(saved.clip), name: saved.name }, saved.startMs));
    } catch (cause) {
      throw new UsageError('E_USAGE', `Cannot replay the resume journal ${journalPath}`, {
        cause,
        hint: START_OVER_HINT,
      });
    }
  });
  const journal = replay.journal;
  if (replay.entries !== resume.parts || resume.payloadOffset + plan.payloadBytes !== resume.committedBytes) {
    await journal.close();
    throw new UsageError(
      'E_USAGE',
      `Resume journal ${journalPath} does not match the checkpoint (${resume.committedBytes} bytes)`,
      { hint: START_OVER_HINT },
    );
  }
  return journal;
}

/** The moov reservation after the first part: its moov measured (not kept) and scaled to the expected duration. */
function firstReserve(plan: JoinPlan, threshold: number, expectedMs: number): number {
  const movie = plan.movie();
  let bytes = 0;
  for (const chunk of buildMoovChunks(movie, {
    layout: 'progressive',
    payloadOffset: PAYLOAD_OFFSET,
    co64ThresholdBytes: threshold,
  }))
    bytes += chunk.length;
  let durationMs = 0;
  for (const t of movie.tracks) durationMs = Math.max(durationMs, (t.movieDuration / movie.movieTimescale) * 1000);
  return moovReserveBytes(bytes, durationMs, expectedMs);
}

function withStart<T extends object>(value: T, startMs: number | undefined): T & { startMs?: number } {
  return startMs === undefined ? value : { ...value, startMs };
}

function fragmentedJoiner(
  writer: FragmentedWriter,
  close: () => Promise<void>,
  threshold: number,
  gaps: GapPolicy,
): Joiner {
  let parts = 0;
  return {
    async append(part) {
      await writer.appendPart(part);
      parts++;
      return {
        version: 2,
        format: 'fragmented',
        gaps,
        largeFileThresholdBytes: threshold,
        committedBytes: writer.bytes,
        parts,
        journalBytes: 0,
        payloadOffset: 0,
      };
    },
    // Nothing to make durable before a checkpoint: a fragmented join is never resumed.
    sync: () => Promise.resolve(),
    async finish() {
      await close();
      return summariseJoin(writer.bytes, writer.timeline, null);
    },
    abort: () => close().catch(() => undefined),
  };
}

function fileSink(path: string): Sink {
  const stream = createWriteStream(path);
  const sink = streamSink(stream);
  return {
    write: sink.write,
    close: async () => {
      await sink.close();
      await new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.end(() => resolve());
      });
    },
  };
}

export type JoinFilesOptions = Omit<JoinOptions, 'output' | 'resume'> & {
  /** On a part that cannot be joined, start a new numbered file (out-1.mp4, out-2.mp4 …) instead of failing. */
  readonly splitOnChange?: boolean;
  /** A progressive join's bytes go through this sink instead of the file (`output` names it); docs/s3.md. */
  readonly sink?: OpenSequentialSink;
  /** Told each input as it is read, in order (`join` warns about clips out of order or given twice). */
  readonly onClip?: (name: string, clip: Clip) => void;
};

export type JoinFilesSummary = JoinSummary & {
  /** Files written: just the output, or the numbered files after a split. */
  readonly outputs: readonly string[];
};

/**
 * `kvs-clip join a.mp4 b.mp4 -o out.mp4`: reads each input (moov first or last, or fragmented) and joins them; to a
 * stream the output is fragmented. On failure the output file is removed. Throws `MediaError` for unreadable or
 * unjoinable inputs (`E_JOIN_MISMATCH` names both files unless `splitOnChange`), `UsageError` for a missing input,
 * `OutputError` for write failures.
 */
export async function joinFiles(
  inputs: readonly string[],
  output: string | NodeJS.WritableStream,
  options: JoinFilesOptions = {},
): Promise<JoinFilesSummary> {
  if (inputs.length === 0) throw new UsageError('E_USAGE', 'Nothing to join: no input files');
  const { splitOnChange, sink, onClip, ...rest } = options;
  if (typeof output === 'string' && (options.format ?? 'progressive') === 'progressive') {
    const { summary, outputs } = await joinFilesOnePass(inputs, output, {
      faststart: options.faststart ?? true,
      gaps: options.gaps ?? 'keep',
      co64ThresholdBytes: options.largeFileThresholdBytes ?? DEFAULT_THRESHOLD,
      splitOnChange: splitOnChange === true,
      ...(sink === undefined ? {} : { sink }),
      ...(onClip === undefined ? {} : { onClip }),
    });
    return { ...summary, outputs };
  }
  if (sink !== undefined) throw new InternalError('a join sink takes a progressive file join only');
  const target: JoinOutput =
    typeof output === 'string' ? { kind: 'file', path: output } : { kind: 'stream', stream: output };
  const outputs: string[] = [];
  let totalBytes = 0;
  let path = typeof output === 'string' ? output : '';
  let joiner = await createJoiner({ ...rest, output: target });
  try {
    for (const input of inputs) {
      const source = await openFileSource(input);
      try {
        const clip = await readClip(source, { name: input });
        onClip?.(input, clip);
        const part = { source, clip, name: input, ...(clip.startMs === undefined ? {} : { startMs: clip.startMs }) };
        try {
          await joiner.append(part);
        } catch (error) {
          if (!(splitOnChange === true && typeof output === 'string' && isMismatch(error))) throw error;
          const numbered = numberedPath(output, outputs.length + 1);
          totalBytes += (await joiner.finish()).bytes;
          await rename(path, numbered);
          outputs.push(numbered);
          path = numberedPath(output, outputs.length + 1);
          joiner = await createJoiner({ ...rest, output: { kind: 'file', path } });
          await joiner.append(part);
        }
      } finally {
        await source.close();
      }
    }
    const summary = await joiner.finish();
    if (typeof output === 'string') outputs.push(path);
    return { ...summary, bytes: totalBytes + summary.bytes, outputs };
  } catch (error) {
    await joiner.abort();
    if (typeof output === 'string') {
      // Only fragmented output comes this way (progressive files go through joinFilesOnePass): no journal, no
      // faststart temp file.
      await rm(path, { force: true });
    }
    throw error;
  }
}
