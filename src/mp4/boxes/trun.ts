/** trun, ISO/IEC 14496-12 §8.8.8: track fragment run (per-sample duration, size, flags, composition offset). */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, fullBox } from './byte-writer.js';

/** A run; each per-sample array is present (length `sampleCount`) or `null` to fall back to tfhd/trex defaults. */
export type Trun = {
  readonly sampleCount: number;
  /** Offset of the first sample's data from the base (moof start with default-base-is-moof). */
  readonly dataOffset?: number;
  readonly firstSampleFlags?: number;
  readonly durations: Uint32Array | null;
  readonly sizes: Uint32Array | null;
  readonly flags: Uint32Array | null;
  readonly ctsOffsets: Int32Array | null;
};

export type TrunInput = {
  readonly sampleCount: number;
  readonly dataOffset?: number;
  readonly firstSampleFlags?: number;
  readonly durations: ArrayLike<number> | null;
  readonly sizes: ArrayLike<number> | null;
  readonly flags: ArrayLike<number> | null;
  readonly ctsOffsets: ArrayLike<number> | null;
};

const DATA_OFFSET = 0x1;
const FIRST_FLAGS = 0x4;
const DURATION = 0x100;
const SIZE = 0x200;
const FLAGS = 0x400;
const CTS = 0x800;

/** Sample flags (§8.8.3.1) for a sync sample and a non-sync one, as ffmpeg writes them. */
export const SAMPLE_FLAGS_SYNC = 0x02000000;
export const SAMPLE_FLAGS_NON_SYNC = 0x01010000;

/** True when sample flags mark a sync sample (sample_is_non_sync_sample bit clear). */
export function isSyncFlags(flags: number): boolean {
  return (flags & 0x10000) === 0;
}

/**
 * Parses a `trun` payload. Composition offsets are read as signed in both versions (as ffmpeg does). Throws
 * `E_MP4_PARSE` when truncated or the sample count cannot fit the box (checked before allocating).
 */
export function parseTrun(body: ByteReader): Trun {
  const { flags } = readFullBoxHeader(body);
  const countAt = body.offset;
  const sampleCount = body.u32();
  const dataOffset = flags & DATA_OFFSET ? body.i32() : undefined;
  const firstSampleFlags = flags & FIRST_FLAGS ? body.u32() : undefined;
  const fields = [DURATION, SIZE, FLAGS, CTS].filter((f) => (flags & f) !== 0).length;
  if (sampleCount * fields * 4 > body.remaining || (fields === 0 && sampleCount > 0x1000000)) {
    body.fail(`trun sample count ${sampleCount} does not fit in ${body.remaining} bytes`, countAt);
  }
  const durations = flags & DURATION ? new Uint32Array(sampleCount) : null;
  const sizes = flags & SIZE ? new Uint32Array(sampleCount) : null;
  const sampleFlags = flags & FLAGS ? new Uint32Array(sampleCount) : null;
  const ctsOffsets = flags & CTS ? new Int32Array(sampleCount) : null;
  for (let i = 0; i < sampleCount; i++) {
    if (durations) durations[i] = body.u32();
    if (sizes) sizes[i] = body.u32();
    if (sampleFlags) sampleFlags[i] = body.u32();
    if (ctsOffsets) ctsOffsets[i] = body.i32();
  }
  return {
    sampleCount,
    ...(dataOffset === undefined ? {} : { dataOffset }),
    ...(firstSampleFlags === undefined ? {} : { firstSampleFlags }),
    durations,
    sizes,
    flags: sampleFlags,
    ctsOffsets,
  };
}

/**
 * Builds a `trun` box; version 1 when any composition offset is negative. The box size does not depend on the
 * `dataOffset` value, so a writer can build the `moof` once with 0, measure it, then build it again with the real
 * offset.
 */
export function buildTrun(trun: TrunInput): Uint8Array {
  const n = trun.sampleCount;
  let flags = 0;
  if (trun.dataOffset !== undefined) flags |= DATA_OFFSET;
  if (trun.firstSampleFlags !== undefined) flags |= FIRST_FLAGS;
  if (trun.durations) flags |= DURATION;
  if (trun.sizes) flags |= SIZE;
  if (trun.flags) flags |= FLAGS;
  if (trun.ctsOffsets) flags |= CTS;
  let version = 0;
  if (trun.ctsOffsets) for (let i = 0; i < n; i++) if ((trun.ctsOffsets[i] ?? 0) < 0) version = 1;
  const w = new ByteWriter(12 + n * 16).u32(n);
  if (trun.dataOffset !== undefined) w.i32(trun.dataOffset);
  if (trun.firstSampleFlags !== undefined) w.u32(trun.firstSampleFlags);
  for (let i = 0; i < n; i++) {
    if (trun.durations) w.u32(trun.durations[i] ?? 0);
    if (trun.sizes) w.u32(trun.sizes[i] ?? 0);
    if (trun.flags) w.u32(trun.flags[i] ?? 0);
    if (trun.ctsOffsets) w.i32(trun.ctsOffsets[i] ?? 0);
  }
  return fullBox('trun', version, flags, w.finish());
}
