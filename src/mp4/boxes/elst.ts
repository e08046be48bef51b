/** edts/elst, ISO/IEC 14496-12 §8.6.5–8.6.6: edit list mapping media time onto the movie timeline. */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { box, ByteWriter, fullBox } from './byte-writer.js';
import type { EditEntry } from '../model.js';

/** Parses an `edts` payload: the entries of its `elst` (none when `elst` is absent). */
export function parseEdts(body: ByteReader): EditEntry[] {
  const elst = body.find('elst');
  return elst === undefined ? [] : parseElst(elst.body);
}

/**
 * Parses an `elst` payload (version 0 or 1). `rate` is media_rate_integer + fraction/65536. Throws `E_MP4_PARSE`
 * when truncated or the entry count does not fit the box.
 */
export function parseElst(body: ByteReader): EditEntry[] {
  const { version } = readFullBoxHeader(body);
  const count = body.u32();
  const entrySize = version === 1 ? 20 : 12;
  if (count > body.remaining / entrySize)
    body.fail(`elst entry count ${count} does not fit in ${body.remaining} bytes`);
  const entries: EditEntry[] = [];
  for (let i = 0; i < count; i++) {
    const segmentDuration = version === 1 ? body.u64() : body.u32();
    const mediaTime = version === 1 ? body.i64() : body.i32();
    const rateInteger = body.i16();
    const rateFraction = body.u16();
    entries.push({ segmentDuration, mediaTime, rate: rateInteger + rateFraction / 0x10000 });
  }
  return entries;
}

/** Builds an `elst` box, version 1 when a duration or media time overflows 32 bits. */
export function buildElst(entries: readonly EditEntry[]): Uint8Array {
  const version = entries.some((e) => e.segmentDuration > 0xffffffff || e.mediaTime > 0x7fffffff) ? 1 : 0;
  const w = new ByteWriter(4 + entries.length * 20).u32(entries.length);
  for (const e of entries) {
    if (version === 1) w.u64(e.segmentDuration).i64(e.mediaTime);
    else w.u32(e.segmentDuration).i32(e.mediaTime);
    const rateInteger = Math.floor(e.rate);
    w.i16(rateInteger).u16(Math.round((e.rate - rateInteger) * 0x10000));
  }
  return fullBox('elst', version, 0, w.finish());
}

/** Builds `edts` holding one `elst`. */
export function buildEdts(entries: readonly EditEntry[]): Uint8Array {
  return box('edts', buildElst(entries));
}
