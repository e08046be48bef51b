/**
 * A fixed set of reusable part buffers (docs/s3.md, "Streaming upload"): an upload holds at most `count` part
 * bodies of at most `size` bytes in memory, whatever the number of parts, and allocates them once instead of one
 * fresh buffer per part (profiled: fresh 8 MiB buffers per part kept several more alive until the next GC, and
 * grew the native heap). A buffer goes back once the request that sent it has settled; the part's SHA-256 checksum
 * header makes S3 refuse a body that changed under a request still being torn down.
 */
export class PartBuffers {
  private readonly free: Buffer[] = [];
  private readonly waiting: ((buffer: Buffer) => void)[] = [];
  private made = 0;

  constructor(
    private readonly size: number,
    private readonly count: number,
  ) {}

  /**
   * Runs `use` with a buffer of `length` bytes (its content is whatever it held) and takes it back. A part larger
   * than the buffers — only the one-part head of an upload state written before heads were split — gets its own.
   */
  async with<T>(length: number, use: (body: Buffer) => Promise<T>): Promise<T> {
    if (length > this.size) return use(Buffer.allocUnsafe(length));
    const buffer = await this.take();
    try {
      return await use(buffer.subarray(0, length));
    } finally {
      this.give(buffer);
    }
  }

  private take(): Promise<Buffer> {
    const buffer = this.free.pop();
    if (buffer !== undefined) return Promise.resolve(buffer);
    if (this.made < this.count) {
      this.made++;
      return Promise.resolve(Buffer.allocUnsafeSlow(this.size));
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private give(buffer: Buffer): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(buffer);
    else this.free.push(buffer);
  }
}
