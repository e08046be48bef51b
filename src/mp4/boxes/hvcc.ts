/** hvcC, ISO/IEC 14496-15 §8.3.3.1: HEVC decoder configuration (NAL length size, VPS/SPS/PPS/SEI arrays). */
import type { ByteReader } from '../read/byte-reader.js';
import { box, ByteWriter } from './byte-writer.js';

export type HvcCArray = {
  readonly completeness: boolean;
  /** HEVC NAL unit type: 32 VPS, 33 SPS, 34 PPS, 39/40 SEI. */
  readonly nalType: number;
  readonly units: readonly Uint8Array[];
};

export type HvcC = {
  /** The fixed 22-byte header (profile/tier/level … lengthSizeMinusOne), verbatim. */
  readonly header: Uint8Array;
  /** lengthSizeMinusOne + 1, from the header's last byte. */
  readonly nalLengthSize: number;
  readonly arrays: readonly HvcCArray[];
};

const HEADER_BYTES = 22;

/** Parses an `hvcC` payload. Throws `E_MP4_PARSE` when truncated or the version is not 1. */
export function parseHvcC(body: ByteReader): HvcC {
  const at = body.offset;
  const header = body.bytes(HEADER_BYTES).slice();
  if (header[0] !== 1) body.fail(`hvcC configurationVersion ${header[0] ?? -1}, expected 1`, at);
  const nalLengthSize = ((header[HEADER_BYTES - 1] ?? 0) & 0x3) + 1;
  const arrayCount = body.u8();
  const arrays: HvcCArray[] = [];
  for (let i = 0; i < arrayCount; i++) {
    const kind = body.u8();
    const count = body.u16();
    const units: Uint8Array[] = [];
    for (let j = 0; j < count; j++) units.push(body.bytes(body.u16()).slice());
    arrays.push({ completeness: (kind & 0x80) !== 0, nalType: kind & 0x3f, units });
  }
  return { header, nalLengthSize, arrays };
}

/** Builds an `hvcC` box; the header's lengthSizeMinusOne bits are set from `nalLengthSize`. */
export function buildHvcC(hvcC: HvcC): Uint8Array {
  const header = hvcC.header.slice();
  header[HEADER_BYTES - 1] = ((header[HEADER_BYTES - 1] ?? 0) & 0xfc) | (hvcC.nalLengthSize - 1);
  const w = new ByteWriter(128).bytes(header).u8(hvcC.arrays.length);
  for (const array of hvcC.arrays) {
    w.u8((array.completeness ? 0x80 : 0) | array.nalType).u16(array.units.length);
    for (const unit of array.units) w.u16(unit.length).bytes(unit);
  }
  return box('hvcC', w.finish());
}
