/**
 * Append-only typed arrays for the joiner's run-length and per-chunk tables. They grow by doubling, which is fine for
 * tables with an entry per run or per chunk (docs/joiner.md, "Layout: read / plan / write": never payload, never one
 * object per sample).
 */
type TypedArray = Uint8Array | Uint32Array | Int32Array | Float64Array;
type TypedArrayConstructor<T extends TypedArray> = new (length: number) => T;

/** A typed array with a length that grows on `push`; `view()` returns the filled part without copying. */
export class Growable<T extends TypedArray> {
  private data: T;
  private used = 0;
  private readonly make: TypedArrayConstructor<T>;

  constructor(make: TypedArrayConstructor<T>, initialCapacity = 64) {
    this.make = make;
    this.data = new make(Math.max(4, initialCapacity));
  }

  get length(): number {
    return this.used;
  }

  push(value: number): void {
    if (this.used === this.data.length) {
      const grown = new this.make(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.used] = value;
    this.used++;
  }

  /** An independent copy (the filled part, with room for a few more). */
  clone(): Growable<T> {
    const copy = new Growable(this.make, this.used + 16);
    copy.data.set(this.view());
    copy.used = this.used;
    return copy;
  }

  /** Value at `index`; 0 outside the filled part (callers index within `length`). */
  at(index: number): number {
    return index < this.used ? (this.data[index] ?? 0) : 0;
  }

  set(index: number, value: number): void {
    if (index < this.used) this.data[index] = value;
  }

  /** The filled part (a view: later pushes may or may not show through, so use it right away). */
  view(): T {
    return this.subarray(0, this.used);
  }

  private subarray(start: number, end: number): T {
    const d: TypedArray = this.data;
    const view = d.subarray(start, end);
    return this.narrow(view);
  }

  private narrow(view: TypedArray): T {
    // subarray keeps the concrete class; this check lets TypeScript see it without a cast.
    if (view instanceof this.make) return view;
    throw new TypeError('typed array class changed');
  }
}
