/** mvhd, ISO/IEC 14496-12 §8.2.2: movie header (movie timescale, duration, next track ID). */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, fullBox } from './byte-writer.js';
import { IDENTITY_MATRIX, readMatrix, readVersioned, versionFor, writeMatrix, writeVersioned } from './time-fields.js';

export type Mvhd = {
  readonly timescale: number;
  /** In the movie timescale. */
  readonly duration: number;
  readonly nextTrackId: number;
  readonly creationTime?: number;
  readonly modificationTime?: number;
  /** 16.16 fixed point as a raw integer; 0x10000 = normal rate. */
  readonly rate?: number;
  /** 8.8 fixed point as a raw integer; 0x100 = full volume. */
  readonly volume?: number;
  readonly matrix?: readonly number[];
};

/** Parses an `mvhd` payload (version 0 or 1). Throws `E_MP4_PARSE` when truncated or a value exceeds 2^53. */
export function parseMvhd(body: ByteReader): Required<Mvhd> {
  const { version } = readFullBoxHeader(body);
  const creationTime = readVersioned(body, version);
  const modificationTime = readVersioned(body, version);
  const timescale = body.u32();
  const duration = readVersioned(body, version);
  const rate = body.i32();
  const volume = body.i16();
  body.skip(10);
  const matrix = readMatrix(body);
  body.skip(24);
  const nextTrackId = body.u32();
  return { timescale, duration, nextTrackId, creationTime, modificationTime, rate, volume, matrix };
}

/** Builds an `mvhd` box, version 1 when a time or the duration overflows 32 bits. */
export function buildMvhd(mvhd: Mvhd): Uint8Array {
  const creationTime = mvhd.creationTime ?? 0;
  const modificationTime = mvhd.modificationTime ?? 0;
  const version = versionFor(creationTime, modificationTime, mvhd.duration);
  const w = new ByteWriter(112);
  writeVersioned(w, version, creationTime);
  writeVersioned(w, version, modificationTime);
  w.u32(mvhd.timescale);
  writeVersioned(w, version, mvhd.duration);
  w.i32(mvhd.rate ?? 0x10000)
    .i16(mvhd.volume ?? 0x100)
    .zeros(10);
  writeMatrix(w, mvhd.matrix ?? IDENTITY_MATRIX);
  w.zeros(24).u32(mvhd.nextTrackId);
  return fullBox('mvhd', version, 0, w.finish());
}
