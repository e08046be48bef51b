/** dinf/dref/url, ISO/IEC 14496-12 §8.7.1–8.7.2: data references; we only write "media is in this file". */
import { readFullBoxHeader, type ByteReader } from '../read/byte-reader.js';
import { box, ByteWriter, fullBox } from './byte-writer.js';

export type DataEntry = {
  /** `url ` or `urn ` (or `alis` in QuickTime files). */
  readonly type: string;
  /** Flag 1: the media data is in the same file. */
  readonly selfContained: boolean;
};

export type Dref = { readonly entries: readonly DataEntry[] };

/** Parses a `dinf` payload into its `dref` entries. Throws `E_MP4_PARSE` when `dref` is missing or malformed. */
export function parseDinf(body: ByteReader): Dref {
  const dref = body.find('dref');
  if (dref === undefined) return body.fail('dinf has no dref');
  return parseDref(dref.body);
}

/** Parses a `dref` payload. Throws `E_MP4_PARSE` when truncated or the entry count disagrees with the boxes. */
export function parseDref(body: ByteReader): Dref {
  readFullBoxHeader(body, 0);
  const count = body.u32();
  const children = body.boxes();
  if (children.length !== count) body.fail(`dref says ${count} entries, found ${children.length}`);
  const entries = children.map((child) => {
    const { flags } = readFullBoxHeader(child.body, 255);
    return { type: child.type, selfContained: (flags & 1) === 1 };
  });
  return { entries };
}

/** Builds `dinf` with one self-contained `url ` entry: the only form our outputs use. */
export function buildDinf(): Uint8Array {
  const dref = fullBox('dref', 0, 0, new ByteWriter(4).u32(1).finish(), fullBox('url ', 0, 1));
  return box('dinf', dref);
}
