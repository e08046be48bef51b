/**
 * The KVS start of a file kvs-clip wrote: `moov/udta/kvsS`, a full box (version 0) holding the absolute start of the
 * first part as epoch milliseconds (uint64). Players ignore unknown `udta` children; `join` reads it back so that
 * files written apart (`get --gaps split`, `--split`) are placed at their wall-clock times again, gaps kept
 * (docs/joiner.md, "Anchors and the timeline").
 */
import { box, ByteWriter, fullBox } from './byte-writer.js';
import type { BoxView } from '../read/byte-reader.js';
import { MediaError } from '../../errors/media-error.js';

export const KVS_START_TYPE = 'kvsS';

/** `udta` with the start, to append to `moov`. */
export function buildKvsStartUdta(startMs: number): Uint8Array {
  return box('udta', fullBox(KVS_START_TYPE, 0, 0, new ByteWriter(8).u64(Math.round(startMs)).finish()));
}

/**
 * The start recorded in `moov`'s children, or undefined: not written by kvs-clip, an unknown version, or a foreign
 * `udta` that does not parse as boxes (QuickTime ends its list with four zero bytes), which never fails a read.
 */
export function readKvsStart(moov: readonly BoxView[]): number | undefined {
  const udta = moov.find((b) => b.type === 'udta');
  if (udta === undefined) return undefined;
  try {
    const start = udta.body.boxes().find((b) => b.type === KVS_START_TYPE);
    if (start === undefined || start.size !== 8 + 4 + 8 || start.body.u8() !== 0) return undefined;
    start.body.skip(3);
    return start.body.u64();
  } catch (error) {
    if (error instanceof MediaError) return undefined;
    throw error;
  }
}
