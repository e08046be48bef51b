/**
 * Bounds-checked big-endian reader over a `Uint8Array` (docs/joiner.md, "Layout: read / plan / write"). Every read
 * calls `need(n)` first, child readers cannot leave their parent, and every failure is a `MediaError('E_MP4_PARSE')`
 * naming the box path and the absolute byte offset, because clip bytes come off the network and are untrusted.
 */
import { MediaError } from '../../errors/media-error.js';

export type ByteReaderOptions = {
  /** Absolute offset (in the source file) of `bytes[0]`, so errors and `offset` report file positions. */
  readonly baseOffset?: number;
  /** Box path of this reader, e.g. `moov/trak[1]/mdia`; '' at top level. */
  readonly path?: string;
  /** Index into `bytes` where reading starts (default 0). */
  readonly start?: number;
  /** Index into `bytes` where reading must stop (default `bytes.length`). */
  readonly end?: number;
};

/** One child box found by `ByteReader.boxes()`. */
export type BoxView = {
  readonly type: string;
  /** Absolute offset of the box header in the source. */
  readonly offset: number;
  /** Total size including the header. */
  readonly size: number;
  readonly headerSize: number;
  /** The whole box, header included (a view, not a copy). */
  readonly raw: Uint8Array;
  /** Reader confined to the box payload, with the child's path. */
  readonly body: ByteReader;
};

const BIG_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Reader with an absolute start/end window and a cursor. Use one per box payload. */
export class ByteReader {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  private readonly data: Uint8Array;
  private readonly view: DataView;
  private readonly baseOffset: number;
  private pos: number;

  constructor(bytes: Uint8Array, options: ByteReaderOptions = {}) {
    this.data = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.baseOffset = options.baseOffset ?? 0;
    this.path = options.path ?? '';
    this.start = options.start ?? 0;
    this.end = options.end ?? bytes.length;
    this.pos = this.start;
    if (this.start < 0 || this.end > bytes.length || this.start > this.end) {
      this.fail(`reader window ${this.start}..${this.end} outside ${bytes.length} bytes`);
    }
  }

  /** Absolute source offset of the cursor. */
  get offset(): number {
    return this.baseOffset + this.pos;
  }

  /** Absolute source offset of the reader's first byte (the box payload start). */
  get startOffset(): number {
    return this.baseOffset + this.start;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws `E_MP4_PARSE` unless `count` more bytes are available. */
  need(count: number, what = 'field'): void {
    if (!Number.isSafeInteger(count) || count < 0 || count > this.end - this.pos) {
      this.fail(`${what} needs ${count} bytes, ${this.end - this.pos} left`);
    }
  }

  /** Throws `MediaError('E_MP4_PARSE')` with the path and the offset (cursor unless given). */
  fail(message: string, atOffset: number = this.offset): never {
    const where = this.path === '' ? '' : ` in ${this.path}`;
    throw new MediaError('E_MP4_PARSE', `${message}${where} @ 0x${atOffset.toString(16)}`);
  }

  u8(): number {
    this.need(1);
    const v = this.view.getUint8(this.pos);
    this.pos += 1;
    return v;
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    this.need(3);
    const v = (this.view.getUint8(this.pos) << 16) | this.view.getUint16(this.pos + 1);
    this.pos += 3;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  i16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  /** Unsigned 64-bit as a number; values above `Number.MAX_SAFE_INTEGER` fail (use `u64Big` to get them). */
  u64(): number {
    const at = this.offset;
    const v = this.u64Big();
    if (v > BIG_SAFE) this.fail(`64-bit value ${v} exceeds 2^53`, at);
    return Number(v);
  }

  u64Big(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos);
    this.pos += 8;
    return v;
  }

  /** Signed 64-bit as a number; values outside the safe-integer range fail. */
  i64(): number {
    this.need(8);
    const at = this.offset;
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    if (v > BIG_SAFE || v < -BIG_SAFE) this.fail(`64-bit value ${v} exceeds 2^53`, at);
    return Number(v);
  }

  fourcc(): string {
    this.need(4, 'fourcc');
    const d = this.data;
    const p = this.pos;
    this.pos += 4;
    return String.fromCharCode(d[p] ?? 0, d[p + 1] ?? 0, d[p + 2] ?? 0, d[p + 3] ?? 0);
  }

  /** A view (not a copy) of the next `count` bytes. */
  bytes(count: number): Uint8Array {
    this.need(count, 'bytes');
    const v = this.data.subarray(this.pos, this.pos + count);
    this.pos += count;
    return v;
  }

  /** A view of everything left. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  skip(count: number): void {
    this.need(count, 'skip');
    this.pos += count;
  }

  /**
   * A reader confined to the next `size` bytes (the cursor moves past them); `name` is appended to the path.
   * Throws if fewer than `size` bytes remain.
   */
  child(size: number, name?: string): ByteReader {
    this.need(size, name ?? 'child');
    const path = name === undefined ? this.path : joinPath(this.path, name);
    const reader = new ByteReader(this.data, {
      baseOffset: this.baseOffset,
      path,
      start: this.pos,
      end: this.pos + size,
    });
    this.pos += size;
    return reader;
  }

  /**
   * Splits the rest of this reader into child boxes (`size == 1` largesize, `size == 0` to the end, `uuid` extended
   * type). A type occurring more than once gets a 0-based index in its path (`trak[1]`). Consumes the reader.
   * Throws `E_MP4_PARSE` for a size below its header or past the end.
   */
  boxes(): BoxView[] {
    const headers: { type: string; offset: number; size: number; headerSize: number; at: number }[] = [];
    while (this.remaining > 0) {
      const boxStart = this.pos;
      const offset = this.offset;
      if (this.remaining < 8) this.fail(`box header needs 8 bytes, ${this.remaining} left`);
      let size = this.u32();
      const type = this.fourcc();
      let headerSize = 8;
      if (size === 1) {
        size = this.u64();
        headerSize = 16;
      } else if (size === 0) {
        size = this.end - boxStart;
      }
      if (type === 'uuid') headerSize += 16;
      if (size < headerSize)
        this.fail(`box '${printableType(type)}' size ${size} is smaller than its ${headerSize}-byte header`, offset);
      if (size > this.end - boxStart) {
        this.fail(
          `box '${printableType(type)}' size ${size} runs past the end (${this.end - boxStart} bytes left)`,
          offset,
        );
      }
      headers.push({ type, offset, size, headerSize, at: boxStart });
      this.pos = boxStart + size;
    }
    const totals = new Map<string, number>();
    for (const h of headers) totals.set(h.type, (totals.get(h.type) ?? 0) + 1);
    const seen = new Map<string, number>();
    return headers.map((h) => {
      const index = seen.get(h.type) ?? 0;
      seen.set(h.type, index + 1);
      const name = (totals.get(h.type) ?? 0) > 1 ? `${printableType(h.type)}[${index}]` : printableType(h.type);
      const body = new ByteReader(this.data, {
        baseOffset: this.baseOffset,
        path: joinPath(this.path, name),
        start: h.at + h.headerSize,
        end: h.at + h.size,
      });
      const raw = this.data.subarray(h.at, h.at + h.size);
      return { type: h.type, offset: h.offset, size: h.size, headerSize: h.headerSize, raw, body };
    });
  }

  /** The child boxes keyed by type (first occurrence of each). Consumes the reader. */
  boxMap(): Map<string, BoxView> {
    const map = new Map<string, BoxView>();
    for (const b of this.boxes()) if (!map.has(b.type)) map.set(b.type, b);
    return map;
  }

  /** The first child box of `type`, or undefined. Consumes the reader. */
  find(type: string): BoxView | undefined {
    return this.boxes().find((b) => b.type === type);
  }
}

/** Reads a full-box header (version + 24-bit flags); a version above `maxVersion` is `E_MP4_PARSE`. */
export function readFullBoxHeader(reader: ByteReader, maxVersion = 1): { version: number; flags: number } {
  const at = reader.offset;
  const version = reader.u8();
  if (version > maxVersion) reader.fail(`unsupported box version ${version}`, at);
  const flags = reader.u24();
  return { version, flags };
}

/** Opens one serialised box (header included) and returns a reader over its payload; for tests and builders' users. */
export function openBox(bytes: Uint8Array, options: { baseOffset?: number; path?: string } = {}): BoxView {
  const reader = new ByteReader(bytes, options);
  const [first] = reader.boxes();
  if (first === undefined) return reader.fail('expected a box, found no bytes');
  return first;
}

function joinPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}

/** A box type for messages: as is when printable ASCII, else hex (types are raw bytes from untrusted input). */
export function printableType(type: string): string {
  return /^[\x20-\x7e]{4}$/.test(type)
    ? type
    : Array.from(type, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
}
