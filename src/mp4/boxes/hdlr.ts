/** hdlr, ISO/IEC 14496-12 §8.4.3: handler type (`vide`/`soun`) and a human-readable name. */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, fullBox } from './byte-writer.js';

export type Hdlr = {
  /** `vide`, `soun`, … */
  readonly handlerType: string;
  readonly name: string;
};

/**
 * Parses an `hdlr` payload. The name is a NUL-terminated UTF-8 string in ISO files but a Pascal string (length byte
 * first) in QuickTime files such as ffmpeg's `mov` output; both are accepted. Throws `E_MP4_PARSE` when truncated.
 */
export function parseHdlr(body: ByteReader): Hdlr {
  readFullBoxHeader(body, 0);
  body.skip(4);
  const handlerType = body.fourcc();
  body.skip(12);
  let raw = body.rest();
  const first = raw[0];
  if (first !== undefined && first > 0 && first === raw.length - 1) raw = raw.subarray(1);
  const nul = raw.indexOf(0);
  const name = new TextDecoder('utf-8', { fatal: false }).decode(nul === -1 ? raw : raw.subarray(0, nul));
  return { handlerType, name };
}

/** Builds an ISO-style `hdlr` box (NUL-terminated name). */
export function buildHdlr(hdlr: Hdlr): Uint8Array {
  const w = new ByteWriter(64).u32(0).fourcc(hdlr.handlerType).zeros(12);
  w.bytes(new TextEncoder().encode(hdlr.name)).u8(0);
  return fullBox('hdlr', 0, 0, w.finish());
}
