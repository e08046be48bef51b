/** avcC, ISO/IEC 14496-15 §5.3.3.1: AVC decoder configuration (NAL length size, SPS and PPS). */
import type { ByteReader } from '../read/byte-reader.js';
import { box, ByteWriter } from './byte-writer.js';

export type AvcC = {
  readonly profile: number;
  readonly compatibility: number;
  readonly level: number;
  /** lengthSizeMinusOne + 1: 1, 2 or 4. */
  readonly nalLengthSize: number;
  readonly sps: readonly Uint8Array[];
  readonly pps: readonly Uint8Array[];
  /** Bytes after the PPS list (High-profile chroma/bit-depth extension), kept verbatim. */
  readonly extension: Uint8Array;
};

/** Parses an `avcC` payload. Throws `E_MP4_PARSE` when truncated or the version is not 1. */
export function parseAvcC(body: ByteReader): AvcC {
  const at = body.offset;
  const version = body.u8();
  if (version !== 1) body.fail(`avcC configurationVersion ${version}, expected 1`, at);
  const profile = body.u8();
  const compatibility = body.u8();
  const level = body.u8();
  const nalLengthSize = (body.u8() & 0x3) + 1;
  const spsCount = body.u8() & 0x1f;
  const sps: Uint8Array[] = [];
  for (let i = 0; i < spsCount; i++) sps.push(body.bytes(body.u16()).slice());
  const ppsCount = body.u8();
  const pps: Uint8Array[] = [];
  for (let i = 0; i < ppsCount; i++) pps.push(body.bytes(body.u16()).slice());
  return { profile, compatibility, level, nalLengthSize, sps, pps, extension: body.rest().slice() };
}

/** Builds an `avcC` box. */
export function buildAvcC(avcC: AvcC): Uint8Array {
  const w = new ByteWriter(64).u8(1).u8(avcC.profile).u8(avcC.compatibility).u8(avcC.level);
  w.u8(0xfc | (avcC.nalLengthSize - 1)).u8(0xe0 | avcC.sps.length);
  for (const nal of avcC.sps) w.u16(nal.length).bytes(nal);
  w.u8(avcC.pps.length);
  for (const nal of avcC.pps) w.u16(nal.length).bytes(nal);
  w.bytes(avcC.extension);
  return box('avcC', w.finish());
}
