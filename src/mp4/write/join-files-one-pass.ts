/**
 * `kvs-clip join` to a progressive file when every input is known up front: plan all parts first (each input's
 * moov is read once; only its copy pieces and the merged tables are kept, never payload), build `moov` with the
 * final offsets, then write ftyp + moov + mdat header + payload (or ftyp + header + payload + moov) in one
 * sequential pass with one flush at the end. No faststart rewrite and no per-part flush: nothing here resumes.
 * Full table blocks go to `<path>.kvstables` while the inputs are planned (private, made only when a block fills,
 * removed when the join ends, whether it succeeded or not).
 */
import { rm } from 'node:fs/promises';
import { InternalError } from '../../errors/internal-error.js';
import { MediaError } from '../../errors/media-error.js';
import { buildMoovChunks } from '../boxes/build-moov.js';
import { copyPieces, CopyWindows } from './copy-pieces.js';
import { moovInFront } from './faststart.js';
import { openFileSource } from './file-source.js';
import type { GapPolicy } from '../plan/join-timeline.js';
import { summariseJoin, type JoinSummary } from '../plan/join-summary.js';
import { OutputFile } from './output-file.js';
import type { PositionedSink } from './positioned-sink.js';
import { JoinPlan, type CopyPiece } from '../plan/plan-join.js';
import type { Clip } from '../model.js';
import { readClip } from '../read/read-clip.js';
import { mdatHeader16, PROGRESSIVE_FTYP } from './write-progressive.js';
import { writeChunks, type BoxChunk, type TableSpill } from '../plan/table-spill.js';
import { TableSpillFile } from './table-spill-file.js';

export type OnePassOptions = {
  readonly faststart: boolean;
  readonly gaps: GapPolicy;
  readonly co64ThresholdBytes: number;
  /** On a part that cannot be joined, start a new numbered file (out-1.mp4, out-2.mp4 …) instead of failing. */
  readonly splitOnChange: boolean;
  /**
   * Where the bytes go instead of a local file (an S3 upload, docs/s3.md): opened with the planned size once the
   * file is planned, written front to back only (never patched), closed here; the caller commits or discards it.
   */
  readonly sink?: OpenSequentialSink;
  /** Told each input as it is read, in order. */
  readonly onClip?: (name: string, clip: Clip) => void;
};

/** Opens the output of one planned file, given its exact size. */
export type OpenSequentialSink = (plannedBytes: number) => Promise<PositionedSink>;

/** One output file's plan: the merged tables and, per input, the source ranges to copy (packed offset, length). */
type PlannedFile = {
  readonly plan: JoinPlan;
  readonly parts: { readonly path: string; readonly ranges: Float64Array }[];
};

/**
 * Joins `inputs` into `path` (or, after a split, the numbered files). Returns the last file's summary with `bytes`
 * summed over all files, and the files written. Throws `MediaError` for unreadable or unjoinable inputs
 * (`E_JOIN_MISMATCH` names both unless `splitOnChange`), `UsageError` for a missing input, `OutputError` for write
 * failures. Nothing is written before every input is planned; a file that fails while being written is removed.
 */
export async function joinFilesOnePass(
  inputs: readonly string[],
  path: string,
  options: OnePassOptions,
): Promise<{ summary: JoinSummary; outputs: string[] }> {
  // Full table blocks wait for the moov in a private scratch file beside the output, as in a get's join
  // (docs/joiner.md, "Memory"): a join of many hours holds one block per table, not the whole tables.
  const tables = new TableSpillFile(`${path}.kvstables`);
  try {
    return await planAndWrite(inputs, path, options, tables.spill);
  } finally {
    tables.close();
  }
}

async function planAndWrite(
  inputs: readonly string[],
  path: string,
  options: OnePassOptions,
  spill: TableSpill,
): Promise<{ summary: JoinSummary; outputs: string[] }> {
  const files = await planFiles(inputs, options, spill);
  const windows = new CopyWindows();
  const outputs: string[] = [];
  let bytes = 0;
  let summary: JoinSummary | null = null;
  for (const [i, file] of files.entries()) {
    const target = files.length === 1 ? path : numberedPath(path, i + 1);
    outputs.push(target);
    const movie = file.plan.movie();
    let size: number;
    try {
      size = await writePlannedFile(target, file, movie, { ...options, windows });
    } catch (error) {
      await rm(target, { force: true });
      throw error;
    }
    bytes += size;
    summary = summariseJoin(size, file.plan.timeline, movie.tracks);
  }
  if (summary === null) throw new InternalError('one-pass join planned no file');
  return { summary: { ...summary, bytes }, outputs };
}

async function planFiles(
  inputs: readonly string[],
  options: OnePassOptions,
  spill: TableSpill,
): Promise<PlannedFile[]> {
  const newPlan = (): JoinPlan => new JoinPlan({ gaps: options.gaps, spill });
  const files: PlannedFile[] = [{ plan: newPlan(), parts: [] }];
  for (const input of inputs) {
    const source = await openFileSource(input);
    try {
      const clip = await readClip(source, { name: input });
      options.onClip?.(input, clip);
      // A kvs-clip output records its KVS start: placed there again, the gaps between files are kept.
      const part = { clip, name: input, ...(clip.startMs === undefined ? {} : { startMs: clip.startMs }) };
      let file = files[files.length - 1] ?? files[0];
      if (file === undefined) throw new InternalError('no planned file');
      let pieces: CopyPiece[];
      try {
        pieces = file.plan.append(part).pieces;
      } catch (error) {
        if (!(options.splitOnChange && isMismatch(error) && file.parts.length > 0)) throw error;
        file = { plan: newPlan(), parts: [] };
        files.push(file);
        pieces = file.plan.append(part).pieces;
      }
      file.parts.push({ path: input, ranges: packRanges(pieces, input) });
    } finally {
      await source.close();
    }
  }
  return files;
}

/**
 * Writes one planned file front to back and flushes it once; returns its size. With faststart the moov is built
 * before the payload (its offsets include its own size), else after it.
 */
async function writePlannedFile(
  path: string,
  file: PlannedFile,
  movie: ReturnType<JoinPlan['movie']>,
  options: OnePassOptions & { readonly windows: CopyWindows },
): Promise<number> {
  const payloadBytes = file.plan.payloadBytes;
  const header = mdatHeader16(payloadBytes, options.co64ThresholdBytes);
  const moov = options.faststart
    ? moovInFront({ ftyp: PROGRESSIVE_FTYP, header, movie, co64ThresholdBytes: options.co64ThresholdBytes }).chunks
    : [];
  const frontBytes = PROGRESSIVE_FTYP.length + moov.reduce((sum, chunk) => sum + chunk.length, 0) + header.length;
  const out =
    options.sink === undefined ? await OutputFile.create(path) : await options.sink(frontBytes + payloadBytes);
  try {
    await out.append(PROGRESSIVE_FTYP);
    await appendAll(out, moov);
    await out.append(header);
    const payloadStart = out.position;
    for (const part of file.parts) {
      const source = await openFileSource(part.path);
      try {
        await copyPieces(source, unpackRanges(part.ranges), (bytes) => out.append(bytes), {
          writeGathered: (chunks) => out.appendMany(chunks),
          windows: options.windows,
        });
      } finally {
        await source.close();
      }
    }
    if (out.position - payloadStart !== payloadBytes) {
      throw new InternalError(
        `one-pass join wrote ${out.position - payloadStart} payload bytes, planned ${payloadBytes}`,
      );
    }
    if (!options.faststart) {
      await appendAll(
        out,
        buildMoovChunks(movie, {
          layout: 'progressive',
          payloadOffset: payloadStart,
          co64ThresholdBytes: options.co64ThresholdBytes,
        }),
      );
    }
    await out.datasync();
  } finally {
    await out.close();
  }
  return out.position;
}

async function appendAll(out: PositionedSink, chunks: readonly BoxChunk[]): Promise<void> {
  await writeChunks(chunks, (bytes) => out.append(bytes));
}

/** Source ranges as (offset, length) pairs: ~16 bytes each instead of an object, for joins of many hours. */
function packRanges(pieces: readonly CopyPiece[], name: string): Float64Array {
  const ranges = new Float64Array(pieces.length * 2);
  pieces.forEach((p, i) => {
    if (p.kind !== 'source') throw new InternalError(`progressive plan of ${name} has literal bytes`);
    ranges[2 * i] = p.offset;
    ranges[2 * i + 1] = p.length;
  });
  return ranges;
}

function unpackRanges(ranges: Float64Array): CopyPiece[] {
  const pieces: CopyPiece[] = [];
  for (let i = 0; i + 1 < ranges.length; i += 2)
    pieces.push({ kind: 'source', offset: ranges[i] ?? 0, length: ranges[i + 1] ?? 0 });
  return pieces;
}

/** A part that cannot follow the previous one in the same file (what `--split-on-change` splits at). */
export function isMismatch(error: unknown): boolean {
  return error instanceof MediaError && error.code === 'E_JOIN_MISMATCH';
}

/** `out.mp4` → `out-2.mp4` (the extension, if any, stays last). */
export function numberedPath(path: string, index: number): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  if (dot <= slash + 1) return `${path}-${index}`;
  return `${path.slice(0, dot)}-${index}${path.slice(dot)}`;
}
