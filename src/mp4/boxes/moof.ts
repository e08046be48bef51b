/** moof/traf, ISO/IEC 14496-12 §8.8.4 and §8.8.6: a movie fragment and its track fragments. */
import type { ByteReader } from '../read/byte-reader.js';
import { box } from './byte-writer.js';
import { buildMfhd, buildTfdt, buildTfhd, parseMfhd, parseTfdt, parseTfhd, type Tfhd } from './fragment-headers.js';
import { buildTrun, parseTrun, type Trun, type TrunInput } from './trun.js';

export type Traf = {
  readonly tfhd: Tfhd;
  /** `tfdt` base media decode time, when present. */
  readonly baseMediaDecodeTime?: number;
  readonly truns: readonly Trun[];
};

export type Moof = { readonly sequenceNumber: number; readonly trafs: readonly Traf[] };

export type TrafInput = {
  readonly tfhd: Tfhd;
  readonly baseMediaDecodeTime?: number;
  readonly truns: readonly TrunInput[];
};

/** Parses a `moof` payload. Throws `E_MP4_PARSE` when `mfhd` or a `tfhd` is missing or a child is malformed. */
export function parseMoof(body: ByteReader): Moof {
  let sequenceNumber: number | undefined;
  const trafs: Traf[] = [];
  for (const child of body.boxes()) {
    if (child.type === 'mfhd') sequenceNumber = parseMfhd(child.body);
    else if (child.type === 'traf') trafs.push(parseTraf(child.body));
  }
  if (sequenceNumber === undefined) return body.fail('moof has no mfhd');
  return { sequenceNumber, trafs };
}

/** Parses a `traf` payload. Throws `E_MP4_PARSE` when `tfhd` is missing. */
export function parseTraf(body: ByteReader): Traf {
  let tfhd: Tfhd | undefined;
  let baseMediaDecodeTime: number | undefined;
  const truns: Trun[] = [];
  for (const child of body.boxes()) {
    if (child.type === 'tfhd') tfhd = parseTfhd(child.body);
    else if (child.type === 'tfdt') baseMediaDecodeTime = parseTfdt(child.body);
    else if (child.type === 'trun') truns.push(parseTrun(child.body));
  }
  if (tfhd === undefined) return body.fail('traf has no tfhd');
  return baseMediaDecodeTime === undefined ? { tfhd, truns } : { tfhd, baseMediaDecodeTime, truns };
}

/** Builds a `traf` (tfhd, optional tfdt, truns). */
export function buildTraf(traf: TrafInput): Uint8Array {
  const children = [buildTfhd(traf.tfhd)];
  if (traf.baseMediaDecodeTime !== undefined) children.push(buildTfdt(traf.baseMediaDecodeTime));
  for (const trun of traf.truns) children.push(buildTrun(trun));
  return box('traf', ...children);
}

/** Builds a `moof` (mfhd + the given trafs). */
export function buildMoof(sequenceNumber: number, trafs: readonly TrafInput[]): Uint8Array {
  return box('moof', buildMfhd(sequenceNumber), ...trafs.map(buildTraf));
}
