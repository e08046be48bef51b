import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InOrderHash } from '../../src/s3/in-order-hash.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('InOrderHash', () => {
  it('gives the SHA-256 of bytes written strictly front to back', () => {
    const hash = new InOrderHash();
    hash.see(bytes('ftyp'), 0);
    hash.see(bytes('moov'), 4);
    hash.see(bytes('mdat'), 8);
    expect(hash.digest(12)).toBe(sha256('ftypmoovmdat'));
  });

  it('gives null after a patch of bytes already hashed, a hole, or a short object', () => {
    const patched = new InOrderHash();
    patched.see(bytes('ftyp----'), 0);
    patched.see(bytes('moov'), 4);
    expect(patched.digest(8)).toBeNull();
    const hole = new InOrderHash();
    hole.see(bytes('ftyp'), 0);
    hole.see(bytes('mdat'), 8);
    expect(hole.digest(12)).toBeNull();
    const short = new InOrderHash();
    short.see(bytes('ftyp'), 0);
    expect(short.digest(8)).toBeNull();
    const invalidated = new InOrderHash();
    invalidated.see(bytes('ftyp'), 0);
    invalidated.invalidate();
    expect(invalidated.digest(4)).toBeNull();
  });
});
