/** tkhd, ISO/IEC 14496-12 §8.3.2: track header (track ID, duration in the movie timescale, presentation size). */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, fullBox } from './byte-writer.js';
import { IDENTITY_MATRIX, readMatrix, readVersioned, versionFor, writeMatrix, writeVersioned } from './time-fields.js';

/** track_enabled | track_in_movie: what ffmpeg writes for every track. */
export const TKHD_DEFAULT_FLAGS = 0x3;

export type Tkhd = {
  readonly trackId: number;
  /** In the movie timescale. */
  readonly duration: number;
  /** Presentation width/height in pixels (16.16 fixed point in the box; may be fractional). 0 for audio. */
  readonly width: number;
  readonly height: number;
  readonly flags?: number;
  readonly creationTime?: number;
  readonly modificationTime?: number;
  readonly layer?: number;
  readonly alternateGroup?: number;
  /** 8.8 fixed point raw integer: 0x100 for audio, 0 for video. */
  readonly volume?: number;
  readonly matrix?: readonly number[];
};

/** Parses a `tkhd` payload (version 0 or 1). Throws `E_MP4_PARSE` when truncated. */
export function parseTkhd(body: ByteReader): Required<Tkhd> {
  const { version, flags } = readFullBoxHeader(body);
  const creationTime = readVersioned(body, version);
  const modificationTime = readVersioned(body, version);
  const trackId = body.u32();
  body.skip(4);
  const duration = readVersioned(body, version);
  body.skip(8);
  const layer = body.i16();
  const alternateGroup = body.i16();
  const volume = body.i16();
  body.skip(2);
  const matrix = readMatrix(body);
  const width = body.u32() / 0x10000;
  const height = body.u32() / 0x10000;
  return {
    trackId,
    duration,
    width,
    height,
    flags,
    creationTime,
    modificationTime,
    layer,
    alternateGroup,
    volume,
    matrix,
  };
}

/** Builds a `tkhd` box, version 1 when a time or the duration overflows 32 bits. */
export function buildTkhd(tkhd: Tkhd): Uint8Array {
  const creationTime = tkhd.creationTime ?? 0;
  const modificationTime = tkhd.modificationTime ?? 0;
  const version = versionFor(creationTime, modificationTime, tkhd.duration);
  const w = new ByteWriter(96);
  writeVersioned(w, version, creationTime);
  writeVersioned(w, version, modificationTime);
  w.u32(tkhd.trackId).zeros(4);
  writeVersioned(w, version, tkhd.duration);
  w.zeros(8)
    .i16(tkhd.layer ?? 0)
    .i16(tkhd.alternateGroup ?? 0)
    .i16(tkhd.volume ?? 0)
    .zeros(2);
  writeMatrix(w, tkhd.matrix ?? IDENTITY_MATRIX);
  w.u32(Math.round(tkhd.width * 0x10000)).u32(Math.round(tkhd.height * 0x10000));
  return fullBox('tkhd', version, tkhd.flags ?? TKHD_DEFAULT_FLAGS, w.finish());
}
