/**
 * mfhd, tfhd and tfdt, ISO/IEC 14496-12 §8.8.5, §8.8.7, §8.8.12: movie fragment sequence number, track fragment
 * defaults and base offset, and the base media decode time of a track fragment.
 */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, fullBox } from './byte-writer.js';

/** Parses an `mfhd` payload into its sequence number. */
export function parseMfhd(body: ByteReader): number {
  readFullBoxHeader(body, 0);
  return body.u32();
}

/** Movie Fragment Header Box: a sequence number as a safety check. */
export function buildMfhd(sequenceNumber: number): Uint8Array {
  return fullBox('mfhd', 0, 0, new ByteWriter(4).u32(sequenceNumber).finish());
}

export type Tfhd = {
  readonly trackId: number;
  /** Explicit base for trun data offsets (flag 0x1). */
  readonly baseDataOffset?: number;
  /** 1-based `stsd` index (flag 0x2). */
  readonly sampleDescriptionIndex?: number;
  readonly defaultSampleDuration?: number;
  readonly defaultSampleSize?: number;
  readonly defaultSampleFlags?: number;
  /** Flag 0x10000. */
  readonly durationIsEmpty: boolean;
  /** Flag 0x20000: data offsets are relative to the enclosing `moof`. */
  readonly defaultBaseIsMoof: boolean;
};

const TFHD_BASE = 0x1;
const TFHD_DESCRIPTION = 0x2;
const TFHD_DURATION = 0x8;
const TFHD_SIZE = 0x10;
const TFHD_FLAGS = 0x20;
const TFHD_EMPTY = 0x10000;
const TFHD_MOOF = 0x20000;

/** Parses a `tfhd` payload; optional fields follow the flags. Throws `E_MP4_PARSE` when truncated. */
export function parseTfhd(body: ByteReader): Tfhd {
  const { flags } = readFullBoxHeader(body, 0);
  const trackId = body.u32();
  const baseDataOffset = flags & TFHD_BASE ? body.u64() : undefined;
  const sampleDescriptionIndex = flags & TFHD_DESCRIPTION ? body.u32() : undefined;
  const defaultSampleDuration = flags & TFHD_DURATION ? body.u32() : undefined;
  const defaultSampleSize = flags & TFHD_SIZE ? body.u32() : undefined;
  const defaultSampleFlags = flags & TFHD_FLAGS ? body.u32() : undefined;
  return {
    trackId,
    ...(baseDataOffset === undefined ? {} : { baseDataOffset }),
    ...(sampleDescriptionIndex === undefined ? {} : { sampleDescriptionIndex }),
    ...(defaultSampleDuration === undefined ? {} : { defaultSampleDuration }),
    ...(defaultSampleSize === undefined ? {} : { defaultSampleSize }),
    ...(defaultSampleFlags === undefined ? {} : { defaultSampleFlags }),
    durationIsEmpty: (flags & TFHD_EMPTY) !== 0,
    defaultBaseIsMoof: (flags & TFHD_MOOF) !== 0,
  };
}

/** Builds a `tfhd` box; flags are derived from which fields are present. */
export function buildTfhd(tfhd: Tfhd): Uint8Array {
  let flags = 0;
  const w = new ByteWriter(32).u32(tfhd.trackId);
  if (tfhd.baseDataOffset !== undefined) {
    flags |= TFHD_BASE;
    w.u64(tfhd.baseDataOffset);
  }
  if (tfhd.sampleDescriptionIndex !== undefined) {
    flags |= TFHD_DESCRIPTION;
    w.u32(tfhd.sampleDescriptionIndex);
  }
  if (tfhd.defaultSampleDuration !== undefined) {
    flags |= TFHD_DURATION;
    w.u32(tfhd.defaultSampleDuration);
  }
  if (tfhd.defaultSampleSize !== undefined) {
    flags |= TFHD_SIZE;
    w.u32(tfhd.defaultSampleSize);
  }
  if (tfhd.defaultSampleFlags !== undefined) {
    flags |= TFHD_FLAGS;
    w.u32(tfhd.defaultSampleFlags);
  }
  if (tfhd.durationIsEmpty) flags |= TFHD_EMPTY;
  if (tfhd.defaultBaseIsMoof) flags |= TFHD_MOOF;
  return fullBox('tfhd', 0, flags, w.finish());
}

/** Parses a `tfdt` payload into the base media decode time. Throws `E_MP4_PARSE` past 2^53. */
export function parseTfdt(body: ByteReader): number {
  const { version } = readFullBoxHeader(body);
  return version === 1 ? body.u64() : body.u32();
}

/** Builds a `tfdt` box, version 1 when the time overflows 32 bits. */
export function buildTfdt(baseMediaDecodeTime: number): Uint8Array {
  const wide = baseMediaDecodeTime > 0xffffffff;
  const w = new ByteWriter(8);
  if (wide) w.u64(baseMediaDecodeTime);
  else w.u32(baseMediaDecodeTime);
  return fullBox('tfdt', wide ? 1 : 0, 0, w.finish());
}
