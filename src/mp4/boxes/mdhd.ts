/** mdhd, ISO/IEC 14496-12 §8.4.2: media header (media timescale, duration, language). */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { ByteWriter, fullBox } from './byte-writer.js';
import { readVersioned, versionFor, writeVersioned } from './time-fields.js';

export type Mdhd = {
  readonly timescale: number;
  /** Σ sample durations, in the media timescale. */
  readonly duration: number;
  /** ISO-639-2/T code, e.g. `und`. */
  readonly language: string;
  readonly creationTime?: number;
  readonly modificationTime?: number;
};

/** Parses an `mdhd` payload (version 0 or 1). Throws `E_MP4_PARSE` when truncated. */
export function parseMdhd(body: ByteReader): Required<Mdhd> {
  const { version } = readFullBoxHeader(body);
  const creationTime = readVersioned(body, version);
  const modificationTime = readVersioned(body, version);
  const timescale = body.u32();
  const duration = readVersioned(body, version);
  const packed = body.u16();
  return { timescale, duration, language: unpackLanguage(packed), creationTime, modificationTime };
}

/** Builds an `mdhd` box, version 1 when a time or the duration overflows 32 bits (e.g. 24 h at 90 kHz). */
export function buildMdhd(mdhd: Mdhd): Uint8Array {
  const creationTime = mdhd.creationTime ?? 0;
  const modificationTime = mdhd.modificationTime ?? 0;
  const version = versionFor(creationTime, modificationTime, mdhd.duration);
  const w = new ByteWriter(36);
  writeVersioned(w, version, creationTime);
  writeVersioned(w, version, modificationTime);
  w.u32(mdhd.timescale);
  writeVersioned(w, version, mdhd.duration);
  w.u16(packLanguage(mdhd.language)).u16(0);
  return fullBox('mdhd', version, 0, w.finish());
}

/**
 * Three 5-bit letters offset by 0x60. QuickTime's numeric Macintosh codes (below 0x400, e.g. 0 = English) and
 * anything that is not three a–z letters (ffmpeg's mov muxer writes 0x7fff for "unspecified") read as `und`.
 */
function unpackLanguage(packed: number): string {
  const letters = [(packed >> 10) & 0x1f, (packed >> 5) & 0x1f, packed & 0x1f];
  if (letters.some((l) => l < 1 || l > 26)) return 'und';
  return String.fromCharCode(...letters.map((l) => l + 0x60));
}

function packLanguage(language: string): number {
  const code = /^[a-z]{3}$/.test(language) ? language : 'und';
  let packed = 0;
  for (let i = 0; i < 3; i++) packed = (packed << 5) | ((code.charCodeAt(i) - 0x60) & 0x1f);
  return packed;
}
