/** vmhd and smhd, ISO/IEC 14496-12 §12.1.2 and §12.2.2: video and sound media headers. */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, fullBox } from './byte-writer.js';

export type Vmhd = { readonly graphicsMode: number; readonly opcolor: readonly [number, number, number] };
export type Smhd = { readonly balance: number };

/** Parses a `vmhd` payload. Throws `E_MP4_PARSE` when truncated. */
export function parseVmhd(body: ByteReader): Vmhd {
  readFullBoxHeader(body, 0);
  const graphicsMode = body.u16();
  const opcolor: [number, number, number] = [body.u16(), body.u16(), body.u16()];
  return { graphicsMode, opcolor };
}

/** Builds a `vmhd` box; flags = 1 as the spec requires. */
export function buildVmhd(vmhd: Vmhd = { graphicsMode: 0, opcolor: [0, 0, 0] }): Uint8Array {
  const w = new ByteWriter(8).u16(vmhd.graphicsMode);
  for (const c of vmhd.opcolor) w.u16(c);
  return fullBox('vmhd', 0, 1, w.finish());
}

/** Parses an `smhd` payload (balance is 8.8 fixed point, kept raw). Throws `E_MP4_PARSE` when truncated. */
export function parseSmhd(body: ByteReader): Smhd {
  readFullBoxHeader(body, 0);
  return { balance: body.i16() };
}

/** Builds an `smhd` box. */
export function buildSmhd(smhd: Smhd = { balance: 0 }): Uint8Array {
  return fullBox('smhd', 0, 0, new ByteWriter(4).i16(smhd.balance).u16(0).finish());
}
