/** ftyp, ISO/IEC 14496-12 §4.3: file type and compatible brands. */
import type { ByteReader } from '../read/byte-reader.js';
import { box, ByteWriter } from './byte-writer.js';

export type Ftyp = {
  readonly majorBrand: string;
  readonly minorVersion: number;
  readonly compatibleBrands: readonly string[];
};

/** Parses an `ftyp` payload. Throws `E_MP4_PARSE` when truncated. */
export function parseFtyp(body: ByteReader): Ftyp {
  const majorBrand = body.fourcc();
  const minorVersion = body.u32();
  const compatibleBrands: string[] = [];
  while (body.remaining >= 4) compatibleBrands.push(body.fourcc());
  return { majorBrand, minorVersion, compatibleBrands };
}

/** Builds an `ftyp` box. */
export function buildFtyp(ftyp: Ftyp): Uint8Array {
  const w = new ByteWriter().fourcc(ftyp.majorBrand).u32(ftyp.minorVersion);
  for (const brand of ftyp.compatibleBrands) w.fourcc(brand);
  return box('ftyp', w.finish());
}
