/**
 * The I/O edge of a progressive join fed part by part (docs/joiner.md, "Rewrite, not concatenation"): `ftyp`,
 * optionally a `free` box that reserves room for `moov`, a 16-byte mdat header placeholder, then the payload written
 * sequentially part after part. At the end `moov` goes into the reserved room (the rest stays `free`), or is appended
 * with the placeholder patched, or, when moov must come first but was not reserved or does not fit, faststart rewrites
 * the file.
 */
import { buildFtyp } from '../boxes/ftyp.js';
import { buildMoovChunks, type MoovOptions } from '../boxes/build-moov.js';
import { ByteWriter } from '../boxes/byte-writer.js';
import { copyPieces, CopyWindows } from './copy-pieces.js';
import { faststart } from './faststart.js';
import type { ByteSource } from '../model.js';
import { OutputFile } from './output-file.js';
import type { PositionedSink } from './positioned-sink.js';
import type { OutputMovie } from '../plan/output-track.js';
import type { CopyPiece } from '../plan/plan-join.js';
import { writeChunks, type BoxChunk } from '../plan/table-spill.js';

/** ffmpeg's choice for progressive MP4 (docs/joiner.md, "Rewrite, not concatenation"). */
export const PROGRESSIVE_FTYP = buildFtyp({
  majorBrand: 'isom',
  minorVersion: 512,
  compatibleBrands: ['isom', 'iso2', 'avc1', 'mp41'],
});

/** Where the mdat payload starts without a moov reservation: after `ftyp` and the 16-byte header placeholder. */
export const PAYLOAD_OFFSET = PROGRESSIVE_FTYP.length + 16;

/** A `free` box header can describe at most this many bytes (32-bit size). */
const MAX_RESERVE = 0xffffffff;

/**
 * The 16 bytes before the payload: `free` + 32-bit `mdat` while `8 + payload` fits under `thresholdBytes`, else
 * `mdat` with size = 1 and a 64-bit largesize (ffmpeg's `mov_write_mdat_tag` trick).
 */
export function mdatHeader16(payloadBytes: number, thresholdBytes: number): Uint8Array {
  const w = new ByteWriter(16);
  if (8 + payloadBytes <= Math.min(thresholdBytes, 0xffffffff)) {
    return w
      .u32(8)
      .fourcc('free')
      .u32(8 + payloadBytes)
      .fourcc('mdat')
      .finish();
  }
  return w
    .u32(1)
    .fourcc('mdat')
    .u64(16 + payloadBytes)
    .finish();
}

/** The 8-byte header of a `free` box of `size` bytes in all (its body is whatever the file holds there). */
export function freeHeader(size: number): Uint8Array {
  return new ByteWriter(8).u32(size).fourcc('free').finish();
}

/**
 * Writes `moov` (as chunks, spilled ones read back one at a time) into `room` bytes at `at`, a `free` box filling the
 * rest; false when it cannot fit.
 */
export async function writeIntoRoom(
  file: PositionedSink,
  moov: readonly BoxChunk[],
  at: number,
  room: number,
): Promise<boolean> {
  let size = 0;
  for (const chunk of moov) size += chunk.length;
  // The leftover must hold a free box header, unless there is none.
  if (size !== room && size + 8 > room) return false;
  await writeChunks(moov, (bytes, offset) => file.writeAt(bytes, at + offset));
  if (size < room) await file.writeAt(freeHeader(room - size), at + size);
  return true;
}

/** Sequential writer of one progressive output file, fed part by part (a resumable `get`). */
export class ProgressiveWriter {
  /** Absolute offset of the first payload byte; null until the head is laid out. */
  private payloadStart: number | null;
  /** The copier's source windows, kept for every part (parts are appended one at a time). */
  private readonly windows = new CopyWindows();

  private constructor(
    private readonly file: PositionedSink,
    payloadStart: number | null,
  ) {
    this.payloadStart = payloadStart;
  }

  /** Creates (truncates) `path`; the head is laid out by `startPayload` or the first part. Throws `OutputError`. */
  static async create(path: string): Promise<ProgressiveWriter> {
    return new ProgressiveWriter(await OutputFile.create(path), null);
  }

  /**
   * Reopens `path` truncated to `committedBytes`, its payload starting at `payloadOffset`. Throws
   * `OutputError('E_OUTPUT_WRITE')` when it cannot be opened or is shorter than `committedBytes`.
   */
  static async resume(path: string, at: { committedBytes: number; payloadOffset: number }): Promise<ProgressiveWriter> {
    return new ProgressiveWriter(await OutputFile.reopen(path, at.committedBytes), at.payloadOffset);
  }

  /**
   * A writer over another sink (an upload, docs/s3.md): fresh when `resume` is undefined, else continuing at the
   * checkpoint's payload offset (the sink was opened at its committed bytes).
   */
  static over(sink: PositionedSink, resume?: { payloadOffset: number }): ProgressiveWriter {
    return new ProgressiveWriter(sink, resume?.payloadOffset ?? null);
  }

  get path(): string {
    return this.file.path;
  }

  /** Bytes in the file so far. */
  get offset(): number {
    return this.file.position;
  }

  /** Where the payload starts (`PAYLOAD_OFFSET` + any moov reservation); null before the head is laid out. */
  get payloadOffset(): number | null {
    return this.payloadStart;
  }

  /**
   * Lays out `ftyp`, a `free` box of `moovReserveBytes` (0: none; at least 8 otherwise, at most 4 GiB − 1) and the
   * mdat header placeholder. Only before the first part; a no-op afterwards. The reserved bytes are a hole, not
   * written, so a large reservation costs no I/O.
   */
  async startPayload(moovReserveBytes: number): Promise<void> {
    if (this.payloadStart !== null) return;
    const reserve = moovReserveBytes <= 0 ? 0 : Math.min(MAX_RESERVE, Math.max(8, Math.ceil(moovReserveBytes)));
    await this.file.append(PROGRESSIVE_FTYP);
    if (reserve > 0) {
      await this.file.append(freeHeader(reserve));
      this.file.skipTo(PROGRESSIVE_FTYP.length + reserve);
    }
    await this.file.append(new Uint8Array(16));
    this.payloadStart = this.file.position;
  }

  /**
   * Copies a part's pieces from `source`; with `durable` (default) flushes them to disk, so the part is committed
   * when this resolves. Throws `OutputError` on write failures and what `source` throws on reads.
   */
  async appendPart(
    source: ByteSource,
    pieces: readonly CopyPiece[],
    options: { durable?: boolean } = {},
  ): Promise<void> {
    await this.startPayload(0);
    // `append` has finished with the bytes when it resolves, so the copier may recycle its buffers.
    await copyPieces(source, pieces, (bytes) => this.file.append(bytes), {
      writeGathered: (chunks) => this.file.appendMany(chunks),
      windows: this.windows,
    });
    if (options.durable ?? true) await this.file.datasync();
  }

  /** Flushes everything written so far to disk (after parts appended with `durable: false`). */
  async sync(): Promise<void> {
    await this.file.datasync();
  }

  /**
   * Completes the file and returns its size. With `faststart`, `moov` goes into the reserved room when it fits, else
   * the file is rewritten moov-first (one more pass); without, `moov` is appended. The mdat header is patched
   * either way. Throws `OutputError('E_OUTPUT_WRITE')` on I/O failure.
   */
  async finish(movie: OutputMovie, options: { faststart: boolean; co64ThresholdBytes: number }): Promise<number> {
    await this.startPayload(0);
    const payloadStart = this.payloadStart ?? PAYLOAD_OFFSET;
    const payload = this.file.position - payloadStart;
    const header = mdatHeader16(payload, options.co64ThresholdBytes);
    const room = payloadStart - PAYLOAD_OFFSET;
    const moovOptions: MoovOptions = {
      layout: 'progressive',
      payloadOffset: payloadStart,
      co64ThresholdBytes: options.co64ThresholdBytes,
    };
    if (options.faststart && room > 0) {
      // Offsets do not move: the payload stays where it is, so the moov's co64 choice is already final.
      if (await writeIntoRoom(this.file, buildMoovChunks(movie, moovOptions), PROGRESSIVE_FTYP.length, room)) {
        return this.complete(header, payloadStart);
      }
    }
    if (options.faststart && this.file.rewritable) {
      await this.file.close();
      return faststart(this.file.path, {
        ftyp: PROGRESSIVE_FTYP,
        header,
        movie,
        payloadStart,
        payloadBytes: payload,
        ...options,
      });
    }
    // Without faststart, or a sink that cannot be rewritten whose room was too small: moov after the payload.
    // Chunk by chunk: one contiguous copy of a long clip's moov would be as big as all its sample tables again.
    await writeChunks(buildMoovChunks(movie, moovOptions), (bytes) => this.file.append(bytes));
    return this.complete(header, payloadStart);
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  private async complete(header: Uint8Array, payloadStart: number): Promise<number> {
    await this.file.writeAt(header, payloadStart - header.length);
    await this.file.datasync();
    await this.file.close();
    return this.file.position;
  }
}
