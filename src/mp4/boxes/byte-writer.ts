/**
 * Serialising side of the box codec: a growable big-endian writer plus `box`/`fullBox`/mdat-header helpers.
 * Builders in `boxes/` return finished `Uint8Array`s, so a box tree is built bottom-up by concatenation; that is
 * cheap because only `moov`/`moof` trees are ever built in memory, never payload. A long clip's moov (tens of MB of
 * sample tables) is the exception: `boxChunks` keeps it as a list so parents do not copy it.
 */
import { InternalError } from '../../errors/internal-error.js';
import type { BoxChunk } from '../plan/table-spill.js';

const MAX_U32 = 0xffffffff;

/** Growable big-endian writer. Out-of-range values are bugs in the caller, so they throw `InternalError`. */
export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buffer.buffer);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length;
  }

  u8(value: number): this {
    checkRange(value, 0, 0xff, 'u8');
    this.reserve(1).setUint8(this.length - 1, value);
    return this;
  }

  u16(value: number): this {
    checkRange(value, 0, 0xffff, 'u16');
    this.reserve(2).setUint16(this.length - 2, value);
    return this;
  }

  u24(value: number): this {
    checkRange(value, 0, 0xffffff, 'u24');
    const view = this.reserve(3);
    view.setUint8(this.length - 3, value >>> 16);
    view.setUint16(this.length - 2, value & 0xffff);
    return this;
  }

  u32(value: number): this {
    checkRange(value, 0, MAX_U32, 'u32');
    this.reserve(4).setUint32(this.length - 4, value);
    return this;
  }

  /** Unsigned 64-bit; numbers must be safe integers (the reader enforces the same limit). */
  u64(value: number | bigint): this {
    const big = typeof value === 'bigint' ? value : toBigInt(value, 'u64');
    if (big < 0n || big > 0xffffffffffffffffn) throw new InternalError(`u64 out of range: ${big}`);
    this.reserve(8).setBigUint64(this.length - 8, big);
    return this;
  }

  i16(value: number): this {
    checkRange(value, -0x8000, 0x7fff, 'i16');
    this.reserve(2).setInt16(this.length - 2, value);
    return this;
  }

  i32(value: number): this {
    checkRange(value, -0x80000000, 0x7fffffff, 'i32');
    this.reserve(4).setInt32(this.length - 4, value);
    return this;
  }

  i64(value: number | bigint): this {
    const big = typeof value === 'bigint' ? value : toBigInt(value, 'i64');
    if (big < -0x8000000000000000n || big > 0x7fffffffffffffffn) throw new InternalError(`i64 out of range: ${big}`);
    this.reserve(8).setBigInt64(this.length - 8, big);
    return this;
  }

  /** A four-character code; must be exactly 4 Latin-1 characters. */
  fourcc(code: string): this {
    const bytes = fourccBytes(code);
    return this.bytes(bytes);
  }

  bytes(data: Uint8Array): this {
    this.reserve(data.length);
    this.buffer.set(data, this.length - data.length);
    return this;
  }

  zeros(count: number): this {
    this.reserve(count);
    this.buffer.fill(0, this.length - count, this.length);
    return this;
  }

  /** The written bytes (a copy sized exactly; the writer may keep being used). */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(count: number): DataView {
    const needed = this.length + count;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = needed;
    return this.view;
  }
}

/** Encodes a four-character code; throws `InternalError` unless it is exactly 4 Latin-1 characters. */
export function fourccBytes(code: string): Uint8Array {
  if (code.length !== 4) throw new InternalError(`fourcc must be 4 characters: "${code}"`);
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const c = code.charCodeAt(i);
    if (c > 0xff) throw new InternalError(`fourcc must be Latin-1: "${code}"`);
    out[i] = c;
  }
  return out;
}

/**
 * A plain box: 32-bit size + type + payload. For `moov`-level boxes only; a payload that would need a 64-bit size
 * throws `InternalError` (use `mdatHeader` for media data).
 */
export function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  let payloadSize = 0;
  for (const part of payload) payloadSize += part.length;
  const total = 8 + payloadSize;
  if (total > MAX_U32) throw new InternalError(`box ${type} too large for a 32-bit size: ${total}`);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total);
  out.set(fourccBytes(type), 4);
  let at = 8;
  for (const part of payload) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A box as its bytes in order (header first) without concatenating them: for trees whose leaves are large (a day's
 * sample tables are tens of MB), so that each nesting level adds an 8-byte header instead of a copy of everything
 * below it. Children are finished boxes or other chunk lists, whose chunks may be spilled table blocks
 * (`plan/table-spill.ts`: only their length is needed here); write them in order, or `concatBytes` them once at the
 * end. Throws `InternalError` like `box` when the total does not fit a 32-bit size.
 */
export function boxChunks(type: string, ...children: readonly (Uint8Array | readonly BoxChunk[])[]): BoxChunk[] {
  const parts: BoxChunk[] = [];
  let total = 8;
  for (const child of children) {
    const list = child instanceof Uint8Array ? [child] : child;
    for (const part of list) {
      parts.push(part);
      total += part.length;
    }
  }
  if (total > MAX_U32) throw new InternalError(`box ${type} too large for a 32-bit size: ${total}`);
  const header = new Uint8Array(8);
  new DataView(header.buffer).setUint32(0, total);
  header.set(fourccBytes(type), 4);
  return [header, ...parts];
}

/** A full box (ISO/IEC 14496-12 §4.2): `box` with a version byte and 24-bit flags before the payload. */
export function fullBox(type: string, version: number, flags: number, ...payload: Uint8Array[]): Uint8Array {
  const head = new ByteWriter(4).u8(version).u24(flags).finish();
  return box(type, head, ...payload);
}

/**
 * The header of an `mdat` whose payload is `payloadSize` bytes: 8 bytes, or 16 bytes (`size = 1` + 64-bit
 * largesize) when 8 + payload does not fit in 32 bits.
 */
export function mdatHeader(payloadSize: number): Uint8Array {
  const w = new ByteWriter(16);
  if (8 + payloadSize <= MAX_U32)
    return w
      .u32(8 + payloadSize)
      .fourcc('mdat')
      .finish();
  return w
    .u32(1)
    .fourcc('mdat')
    .u64(16 + payloadSize)
    .finish();
}

/**
 * Always 16 bytes, for a progressive writer that reserves the mdat header before knowing the payload size
 * (docs/joiner.md, "Rewrite, not concatenation", ffmpeg's `mov_write_mdat_tag` trick): `free`(8) + `mdat`(8) while it
 * fits in 32 bits, else `mdat` with `size = 1` and a 64-bit largesize. The payload starts 16 bytes after the header's
 * offset either way.
 */
export function freeThenMdatHeader(payloadSize: number): Uint8Array {
  if (8 + payloadSize <= MAX_U32) {
    const w = new ByteWriter(16);
    return w
      .u32(8)
      .fourcc('free')
      .u32(8 + payloadSize)
      .fourcc('mdat')
      .finish();
  }
  return mdatHeader(payloadSize);
}

/** Concatenates byte arrays (for assembling a box tree's children before wrapping them). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function checkRange(value: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new InternalError(`${what} out of range: ${value}`);
}

function toBigInt(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value)) throw new InternalError(`${what} must be a safe integer: ${value}`);
  return BigInt(value);
}
