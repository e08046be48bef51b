/**
 * Top-level box scan over a `ByteSource` (ISO/IEC 14496-12 §4.2): finds `ftyp`, `moov`, `mdat`, `moof`, `mfra`
 * without ever reading an `mdat` payload, and loads box payloads into memory only up to a cap, so a hostile size
 * field cannot exhaust memory.
 */
import { MediaError } from '../../errors/media-error.js';
import { ByteReader, printableType as printable } from './byte-reader.js';
import type { ByteSource } from '../model.js';

/** One top-level box: where it is and how big; the payload is not read. */
export type TopLevelBox = {
  readonly type: string;
  /** Absolute offset of the header. */
  readonly offset: number;
  /** Total size including the header. */
  readonly size: number;
  readonly headerSize: number;
};

/** The largest `moov` we are willing to load (a 100 MB GetClip clip has a moov of a few MB). */
export const MAX_MOOV_BYTES = 64 * 1024 * 1024;
/** More top-level boxes than this is not a clip (GetClip returns at most 200 fragments). */
export const MAX_TOP_LEVEL_BOXES = 1_000_000;

/** Header reads start small (a jump over an mdat needs only 16 bytes) and double while boxes keep being tiny. */
const MIN_WINDOW = 4 * 1024;
const MAX_WINDOW = 1024 * 1024;

/**
 * Lists the top-level boxes of `source` in file order. Handles `size == 1` (64-bit largesize) and `size == 0` (box
 * runs to the end of the file). Reads headers through a window that grows while boxes are tiny, so runs of tiny boxes
 * cost few reads and a jump over a large `mdat` reads only a few KiB.
 * Throws `MediaError('E_MP4_PARSE')` with the offset for a size smaller than its header, a box past the end of the
 * source, a truncated header, or more than `MAX_TOP_LEVEL_BOXES` boxes.
 */
export async function scanTopLevel(source: ByteSource): Promise<TopLevelBox[]> {
  const boxes: TopLevelBox[] = [];
  let window: Uint8Array = new Uint8Array(0);
  let windowStart = 0;
  let windowSize = MIN_WINDOW;
  let offset = 0;
  while (offset < source.size) {
    if (boxes.length >= MAX_TOP_LEVEL_BOXES)
      throw parseError(`more than ${MAX_TOP_LEVEL_BOXES} top-level boxes`, offset);
    const headerBytes = Math.min(16, source.size - offset);
    if (offset < windowStart || offset + headerBytes > windowStart + window.length) {
      const contiguous =
        window.length > 0 && offset < windowStart + window.length + MIN_WINDOW && offset >= windowStart;
      windowSize = contiguous ? Math.min(windowSize * 2, MAX_WINDOW) : MIN_WINDOW;
      windowStart = offset;
      window = await source.read(offset, Math.min(windowSize, source.size - offset));
    }
    const reader = new ByteReader(window, { baseOffset: windowStart, start: offset - windowStart });
    const left = source.size - offset;
    if (left < 8) throw parseError(`top-level box header needs 8 bytes, ${left} left`, offset);
    let size = reader.u32();
    const type = reader.fourcc();
    let headerSize = 8;
    if (size === 1) {
      if (left < 16) throw parseError(`box '${type}' largesize header needs 16 bytes, ${left} left`, offset);
      size = reader.u64();
      headerSize = 16;
    } else if (size === 0) {
      size = left;
    }
    if (size < headerSize)
      throw parseError(`box '${printable(type)}' size ${size} is smaller than its ${headerSize}-byte header`, offset);
    if (size > left)
      throw parseError(
        `box '${printable(type)}' size ${size} runs past the end of the ${source.size}-byte input`,
        offset,
      );
    boxes.push({ type, offset, size, headerSize });
    offset += size;
  }
  return boxes;
}

/**
 * Loads the payload of `box` and returns a reader over it whose offsets are file offsets and whose path is the box
 * type (`moov`). Throws `E_MP4_PARSE` when the payload exceeds `maxBytes` (default `MAX_MOOV_BYTES`).
 */
export async function loadBox(
  source: ByteSource,
  box: TopLevelBox,
  options: { maxBytes?: number; path?: string } = {},
): Promise<ByteReader> {
  const maxBytes = options.maxBytes ?? MAX_MOOV_BYTES;
  const payloadSize = box.size - box.headerSize;
  if (payloadSize > maxBytes) {
    throw parseError(
      `box '${printable(box.type)}' is ${payloadSize} bytes, more than the ${maxBytes}-byte limit`,
      box.offset,
    );
  }
  const payload = await source.read(box.offset + box.headerSize, payloadSize);
  return new ByteReader(payload, {
    baseOffset: box.offset + box.headerSize,
    path: options.path ?? printable(box.type),
  });
}

function parseError(message: string, offset: number): MediaError {
  return new MediaError('E_MP4_PARSE', `${message} @ 0x${offset.toString(16)}`);
}
