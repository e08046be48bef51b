/**
 * esds, ISO/IEC 14496-14 §3.3.1 with descriptors from ISO/IEC 14496-1 §7.2.6: the MPEG-4 elementary stream
 * descriptor carrying the AAC AudioSpecificConfig.
 */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, fullBox } from './byte-writer.js';

export type Esds = {
  readonly esId: number;
  /** 0x40 = MPEG-4 audio (AAC). */
  readonly objectTypeIndication: number;
  readonly streamType: number;
  readonly bufferSize: number;
  readonly maxBitrate: number;
  readonly avgBitrate: number;
  /** DecoderSpecificInfo payload: the AudioSpecificConfig for AAC. */
  readonly decoderSpecificInfo: Uint8Array;
};

const ES_DESCRIPTOR = 0x03;
const DECODER_CONFIG = 0x04;
const DECODER_SPECIFIC = 0x05;

/** Parses an `esds` payload. Throws `E_MP4_PARSE` when a descriptor is missing or truncated. */
export function parseEsds(body: ByteReader): Esds {
  readFullBoxHeader(body, 0);
  const es = descriptor(body, ES_DESCRIPTOR);
  const esId = es.u16();
  const flags = es.u8();
  if (flags & 0x80) es.skip(2);
  if (flags & 0x40) es.skip(es.u8());
  if (flags & 0x20) es.skip(2);
  const config = descriptor(es, DECODER_CONFIG);
  const objectTypeIndication = config.u8();
  const streamType = config.u8() >> 2;
  const bufferSize = config.u24();
  const maxBitrate = config.u32();
  const avgBitrate = config.u32();
  const decoderSpecificInfo =
    config.remaining > 0 ? descriptor(config, DECODER_SPECIFIC).rest().slice() : new Uint8Array(0);
  return { esId, objectTypeIndication, streamType, bufferSize, maxBitrate, avgBitrate, decoderSpecificInfo };
}

/** Builds an `esds` box with 1-byte descriptor sizes when they fit (ffmpeg writes the 4-byte form; both are valid). */
export function buildEsds(esds: Esds): Uint8Array {
  const dsi = wrap(DECODER_SPECIFIC, esds.decoderSpecificInfo);
  const configBody = new ByteWriter(32)
    .u8(esds.objectTypeIndication)
    .u8((esds.streamType << 2) | 1)
    .u24(esds.bufferSize)
    .u32(esds.maxBitrate)
    .u32(esds.avgBitrate)
    .bytes(dsi)
    .finish();
  const sl = wrap(0x06, Uint8Array.of(0x02));
  const esBody = new ByteWriter(64).u16(esds.esId).u8(0).bytes(wrap(DECODER_CONFIG, configBody)).bytes(sl).finish();
  return fullBox('esds', 0, 0, wrap(ES_DESCRIPTOR, esBody));
}

/** Reads a descriptor header (tag + 7-bit-per-byte size, up to 4 bytes) and returns a reader over its body. */
function descriptor(reader: ByteReader, expectedTag: number): ByteReader {
  const at = reader.offset;
  const tag = reader.u8();
  if (tag !== expectedTag) reader.fail(`esds descriptor tag ${tag}, expected ${expectedTag}`, at);
  let size = 0;
  for (let i = 0; i < 4; i++) {
    const b = reader.u8();
    size = (size << 7) | (b & 0x7f);
    if ((b & 0x80) === 0) break;
  }
  return reader.child(Math.min(size, reader.remaining));
}

function wrap(tag: number, payload: Uint8Array): Uint8Array {
  const w = new ByteWriter(payload.length + 5).u8(tag);
  const n = payload.length;
  if (n < 0x80) w.u8(n);
  else
    w.u8(0x80 | ((n >> 21) & 0x7f))
      .u8(0x80 | ((n >> 14) & 0x7f))
      .u8(0x80 | ((n >> 7) & 0x7f))
      .u8(n & 0x7f);
  return w.bytes(payload).finish();
}
