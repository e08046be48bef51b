/** VisualSampleEntry, ISO/IEC 14496-12 §12.1.3: the fixed fields of `avc1`/`hvc1`/… followed by child boxes. */
import type { BoxView, ByteReader } from '../read/byte-reader.js';
import { box, ByteWriter } from './byte-writer.js';

export type VisualSampleEntry = {
  readonly dataReferenceIndex: number;
  readonly width: number;
  readonly height: number;
  readonly compressorName: string;
  readonly depth: number;
  /** Codec configuration and extras (`avcC`, `hvcC`, `pasp`, `colr`, `btrt`, …). */
  readonly children: BoxView[];
};

export type VisualSampleEntryInput = {
  readonly width: number;
  readonly height: number;
  readonly compressorName?: string;
  /** Serialised child boxes, e.g. `buildAvcC(…)`. */
  readonly children: readonly Uint8Array[];
};

/** Parses the payload of a visual sample entry. Throws `E_MP4_PARSE` when truncated. */
export function parseVisualSampleEntry(body: ByteReader): VisualSampleEntry {
  body.skip(6);
  const dataReferenceIndex = body.u16();
  body.skip(16);
  const width = body.u16();
  const height = body.u16();
  body.skip(14);
  const nameBytes = body.bytes(32);
  const nameLength = Math.min(nameBytes[0] ?? 0, 31);
  const compressorName = String.fromCharCode(...nameBytes.subarray(1, 1 + nameLength));
  const depth = body.u16();
  body.skip(2);
  return { dataReferenceIndex, width, height, compressorName, depth, children: body.boxes() };
}

/** Builds a visual sample entry box of type `fourcc` (72 dpi, depth 0x18, one frame per sample). */
export function buildVisualSampleEntry(fourcc: string, entry: VisualSampleEntryInput): Uint8Array {
  const name = (entry.compressorName ?? '').slice(0, 31);
  const nameField = new Uint8Array(32);
  nameField[0] = name.length;
  for (let i = 0; i < name.length; i++) nameField[i + 1] = name.charCodeAt(i) & 0xff;
  const w = new ByteWriter(86)
    .zeros(6)
    .u16(1)
    .zeros(16)
    .u16(entry.width)
    .u16(entry.height)
    .u32(0x00480000)
    .u32(0x00480000)
    .u32(0)
    .u16(1)
    .bytes(nameField)
    .u16(0x18)
    .i16(-1);
  return box(fourcc, w.finish(), ...entry.children);
}
