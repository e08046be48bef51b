/**
 * AudioSampleEntry, ISO/IEC 14496-12 §12.2.3, and the QuickTime sound description (versions 0, 1 and 2) that
 * ffmpeg's `mov` muxer writes for `alaw`: fixed fields, then child boxes (`esds`, `chan`, `wave`, …).
 */
import type { BoxView, ByteReader } from '../read/byte-reader.js';
import { box, ByteWriter } from './byte-writer.js';

export type AudioSampleEntry = {
  readonly dataReferenceIndex: number;
  /** QuickTime sound description version (0 in ISO files). */
  readonly version: number;
  readonly channelCount: number;
  /** Bits per sample as declared (16 in most AAC entries). */
  readonly sampleSize: number;
  /** Whole Hz (the 16.16 field's integer part, or the 64-bit float of a version 2 description). */
  readonly sampleRate: number;
  readonly children: BoxView[];
};

export type AudioSampleEntryInput = {
  readonly channelCount: number;
  readonly sampleSize: number;
  /** Whole Hz below 65536. */
  readonly sampleRate: number;
  readonly children: readonly Uint8Array[];
};

/** Parses the payload of an audio sample entry. Throws `E_MP4_PARSE` when truncated or the version is unknown. */
export function parseAudioSampleEntry(body: ByteReader): AudioSampleEntry {
  body.skip(6);
  const dataReferenceIndex = body.u16();
  const versionAt = body.offset;
  const version = body.u16();
  body.skip(6);
  let channelCount = body.u16();
  const sampleSize = body.u16();
  body.skip(4);
  let sampleRate = body.u32() >>> 16;
  if (version === 1) body.skip(16);
  else if (version === 2) {
    body.skip(4);
    const rate = new DataView(body.bytes(8).slice().buffer).getFloat64(0);
    sampleRate = Number.isFinite(rate) && rate > 0 && rate < 2 ** 32 ? Math.round(rate) : 0;
    channelCount = body.u32();
    body.skip(20);
  } else if (version !== 0) body.fail(`unknown sound description version ${version}`, versionAt);
  return { dataReferenceIndex, version, channelCount, sampleSize, sampleRate, children: body.boxes() };
}

/** Builds an ISO audio sample entry (version 0) of type `fourcc`. */
export function buildAudioSampleEntry(fourcc: string, entry: AudioSampleEntryInput): Uint8Array {
  const w = new ByteWriter(28)
    .zeros(6)
    .u16(1)
    .zeros(8)
    .u16(entry.channelCount)
    .u16(entry.sampleSize)
    .u32(0)
    .u32(entry.sampleRate * 0x10000);
  return box(fourcc, w.finish(), ...entry.children);
}
