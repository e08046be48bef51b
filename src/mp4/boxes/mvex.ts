/** mvex/mehd/trex, ISO/IEC 14496-12 §8.8.1–8.8.3: movie extends (fragmented files) and per-track defaults. */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { box, ByteWriter, fullBox } from './byte-writer.js';

export type Trex = {
  readonly trackId: number;
  /** 1-based `stsd` index. */
  readonly defaultSampleDescriptionIndex: number;
  readonly defaultSampleDuration: number;
  readonly defaultSampleSize: number;
  readonly defaultSampleFlags: number;
};

export type Mvex = {
  /** `mehd` fragment duration in the movie timescale, when present. */
  readonly fragmentDuration?: number;
  readonly trex: readonly Trex[];
};

/** Parses an `mvex` payload. Throws `E_MP4_PARSE` when a child is truncated. */
export function parseMvex(body: ByteReader): Mvex {
  const trex: Trex[] = [];
  let fragmentDuration: number | undefined;
  for (const child of body.boxes()) {
    if (child.type === 'trex') trex.push(parseTrex(child.body));
    else if (child.type === 'mehd') {
      const { version } = readFullBoxHeader(child.body);
      fragmentDuration = version === 1 ? child.body.u64() : child.body.u32();
    }
  }
  return fragmentDuration === undefined ? { trex } : { fragmentDuration, trex };
}

/** Parses a `trex` payload. */
export function parseTrex(body: ByteReader): Trex {
  readFullBoxHeader(body, 0);
  return {
    trackId: body.u32(),
    defaultSampleDescriptionIndex: body.u32(),
    defaultSampleDuration: body.u32(),
    defaultSampleSize: body.u32(),
    defaultSampleFlags: body.u32(),
  };
}

/** Builds a `trex` box. */
export function buildTrex(trex: Trex): Uint8Array {
  const w = new ByteWriter(20)
    .u32(trex.trackId)
    .u32(trex.defaultSampleDescriptionIndex)
    .u32(trex.defaultSampleDuration)
    .u32(trex.defaultSampleSize)
    .u32(trex.defaultSampleFlags);
  return fullBox('trex', 0, 0, w.finish());
}

/** Builds `mvex` with an optional `mehd` (version 1 past 32 bits) and one `trex` per track. */
export function buildMvex(mvex: Mvex): Uint8Array {
  const children: Uint8Array[] = [];
  const duration = mvex.fragmentDuration;
  if (duration !== undefined) {
    const wide = duration > 0xffffffff;
    const w = new ByteWriter(8);
    if (wide) w.u64(duration);
    else w.u32(duration);
    children.push(fullBox('mehd', wide ? 1 : 0, 0, w.finish()));
  }
  for (const t of mvex.trex) children.push(buildTrex(t));
  return box('mvex', ...children);
}
