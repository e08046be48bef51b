import { createHash, type Hash } from 'node:crypto';

/**
 * SHA-256 of a sink's bytes in object order, kept while they arrive strictly front to back (docs/s3.md,
 * "Integrity"). Any write that is not at the hashed end (a hole such as the moov room, a patch of bytes already
 * hashed, a resume in the middle) makes it unknown: the caller then reads the object back to hash it.
 */
export class InOrderHash {
  private readonly hash: Hash = createHash('sha256');
  private hashed = 0;
  private valid = true;

  /** Notes `bytes` written at `position`. */
  see(bytes: Uint8Array, position: number): void {
    if (!this.valid || bytes.length === 0) return;
    if (position !== this.hashed) {
      this.valid = false;
      return;
    }
    this.hash.update(bytes);
    this.hashed += bytes.length;
  }

  /** Gives up: the bytes will not all be seen in order. */
  invalidate(): void {
    this.valid = false;
  }

  /** The hex digest when exactly `[0, size)` was seen in order, else null. Call once. */
  digest(size: number): string | null {
    return this.valid && this.hashed === size ? this.hash.digest('hex') : null;
  }
}
