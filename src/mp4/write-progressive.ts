/**
 * The I/O edge of a progressive join (mp4-join.md §1, §3): `ftyp`, a 16-byte placeholder, then the mdat payload
 * written sequentially part after part; at the end `moov` is appended and the placeholder patched (the only
 * write that goes back), or faststart rewrites the file with `moov` in front.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { OutputError } from '../errors/output-error.js';
import { buildFtyp } from './boxes/ftyp.js';
import { buildMoovChunks } from './build-moov.js';
import { ByteWriter } from './byte-writer.js';
import { copyPieces } from './copy-pieces.js';
import { asOutputError } from './as-output-error.js';
import { faststart } from './faststart.js';
import type { ByteSource } from './model.js';
import type { OutputMovie } from './output-track.js';
import type { CopyPiece } from './plan-join.js';

/** ffmpeg's choice for progressive MP4 (mp4-join.md §3). */
export const PROGRESSIVE_FTYP = buildFtyp({ majorBrand: 'isom', minorVersion: 512, compatibleBrands: ['isom', 'iso2', 'avc1', 'mp41'] });

/** Where the mdat payload starts: after `ftyp` and the 16-byte header placeholder. */
export const PAYLOAD_OFFSET = PROGRESSIVE_FTYP.length + 16;

/**
 * The 16 bytes before the payload: `free` + 32-bit `mdat` while `8 + payload` fits under `thresholdBytes`, else
 * `mdat` with size = 1 and a 64-bit largesize (ffmpeg's `mov_write_mdat_tag` trick).
 */
export function mdatHeader16(payloadBytes: number, thresholdBytes: number): Uint8Array {
  const w = new ByteWriter(16);
  if (8 + payloadBytes <= Math.min(thresholdBytes, 0xffffffff)) {
    return w.u32(8).fourcc('free').u32(8 + payloadBytes).fourcc('mdat').finish();
  }
  return w.u32(1).fourcc('mdat').u64(16 + payloadBytes).finish();
}

/** Sequential writer of one progressive output file. */
export class ProgressiveWriter {
  private position: number;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    start: number,
  ) {
    this.position = start;
  }

  /**
   * Creates `path` (truncating it), or with `resumeAt` reopens it and truncates it to that committed offset.
   * Throws `OutputError('E_OUTPUT_WRITE')` when the file cannot be opened or is shorter than `resumeAt`.
   */
  static async open(path: string, options: { resumeAt?: number } = {}): Promise<ProgressiveWriter> {
    try {
      if (options.resumeAt === undefined) {
        const handle = await open(path, 'w');
        const writer = new ProgressiveWriter(handle, path, 0);
        await writer.write(PROGRESSIVE_FTYP);
        await writer.write(new Uint8Array(16));
        return writer;
      }
      const handle = await open(path, 'r+');
      const size = (await handle.stat()).size;
      if (size < options.resumeAt) {
        await handle.close();
        throw new OutputError('E_OUTPUT_WRITE', `Cannot resume ${path}: ${size} bytes, checkpoint says ${options.resumeAt}`);
      }
      await handle.truncate(options.resumeAt);
      return new ProgressiveWriter(handle, path, options.resumeAt);
    } catch (cause) {
      throw asOutputError(cause, path);
    }
  }

  /** Bytes in the file so far. */
  get offset(): number {
    return this.position;
  }

  /** Copies a part's pieces from `source`, then flushes them to disk (the part is committed when this resolves). */
  async appendPart(source: ByteSource, pieces: readonly CopyPiece[]): Promise<void> {
    // `write` has finished with the bytes when it resolves, so the copier may recycle its buffers.
    await copyPieces(source, pieces, (bytes) => this.write(bytes), { sinkReleasesBytes: true });
    try {
      await this.handle.datasync();
    } catch (cause) {
      throw asOutputError(cause, this.path);
    }
  }

  /**
   * Completes the file: with `faststart`, rewrites it as ftyp + moov + mdat; else appends `moov` and patches the
   * mdat header. Returns the final size. Throws `OutputError('E_OUTPUT_WRITE')` on I/O failure.
   */
  async finish(movie: OutputMovie, options: { faststart: boolean; co64ThresholdBytes: number }): Promise<number> {
    const payload = this.position - PAYLOAD_OFFSET;
    const header = mdatHeader16(payload, options.co64ThresholdBytes);
    if (options.faststart) {
      await this.close();
      return faststart(this.path, { ftyp: PROGRESSIVE_FTYP, header, movie, payloadStart: PAYLOAD_OFFSET, payloadBytes: payload, ...options });
    }
    const moov = buildMoovChunks(movie, { layout: 'progressive', payloadOffset: PAYLOAD_OFFSET, co64ThresholdBytes: options.co64ThresholdBytes });
    // Chunk by chunk: one contiguous copy of a long clip's moov would be as big as all its sample tables again.
    for (const chunk of moov) await this.write(chunk);
    try {
      await this.handle.write(header, 0, header.length, PROGRESSIVE_FTYP.length);
      await this.handle.datasync();
    } catch (cause) {
      throw asOutputError(cause, this.path);
    }
    await this.close();
    return this.position;
  }

  async close(): Promise<void> {
    try {
      await this.handle.close();
    } catch (cause) {
      throw asOutputError(cause, this.path);
    }
  }

  private async write(bytes: Uint8Array): Promise<void> {
    try {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, this.position + done);
        done += bytesWritten;
      }
    } catch (cause) {
      throw asOutputError(cause, this.path);
    }
    this.position += bytes.length;
  }
}
