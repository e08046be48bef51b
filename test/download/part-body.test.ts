import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PartBody } from '../../src/download/part-body.js';

const MIB = 1024 * 1024;
/** A socket's chunk size. */
const CHUNK = 64 * 1024;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-part-body-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `size` bytes no two 1 MiB blocks of which are alike. */
function pattern(size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, Math.min(i, size - 4));
  return bytes;
}

/** Feeds `bytes` to the body in socket-sized chunks; `pulled()` says how many the body has taken so far. */
function feed(body: PartBody, bytes: Buffer): { done: Promise<void>; pulled: () => number } {
  let pulled = 0;
  const source = Readable.from(
    (function* chunks() {
      for (let at = 0; at < bytes.length; at += CHUNK) {
        const chunk = bytes.subarray(at, Math.min(bytes.length, at + CHUNK));
        pulled += chunk.length;
        // A fresh buffer per chunk, as a socket gives.
        yield Buffer.from(chunk);
      }
    })(),
    { objectMode: false, highWaterMark: CHUNK },
  );
  return { done: pipeline(source, body.writable(bytes.length)), pulled: () => pulled };
}

/** Reads the whole body as the joiner does: 1 MiB windows, releasing what lies behind. */
async function readAll(body: PartBody, size: number): Promise<Buffer> {
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += MIB) {
    const window = new Uint8Array(Math.min(MIB, size - at));
    await body.readInto(at, window);
    out.set(window, at);
    body.release(at + window.length);
  }
  return out;
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('PartBody', () => {
  it('holds the start of the part behind the head in memory and pushes back, so it never makes a spool file', async () => {
    const bytes = pattern(20 * MIB + 12_345);
    const path = join(dir, 'held.mp4');
    const body = new PartBody(path, { hold: true });
    const { done, pulled } = feed(body, bytes);
    await settle(200);
    expect(pulled()).toBeLessThan(6 * MIB);
    expect(existsSync(path)).toBe(false);

    body.stream();
    const read = await readAll(body, bytes.length);
    await done;
    expect(read.equals(bytes)).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(body.digest()).toBeUndefined();
    await body.close();
  });

  it('spools a held body whose hold time runs out, in order, and still reads every byte once it streams', async () => {
    const bytes = pattern(12 * MIB + 7);
    const path = join(dir, 'spilled.mp4');
    const body = new PartBody(path, { hold: true });
    const { done, pulled } = feed(body, bytes);
    // The hold lasts one second; then the rest is downloaded into the spool file.
    await settle(1500);
    expect(pulled()).toBe(bytes.length);
    body.stream();
    const read = await readAll(body, bytes.length);
    await done;
    expect(read.equals(bytes)).toBe(true);
    await body.close();
  });

  it('writes a held body that ends before it reaches the head to its spool file whole, with its SHA-256', async () => {
    const bytes = pattern(3 * MIB + 123);
    const path = join(dir, 'whole.mp4');
    const body = new PartBody(path, { hold: true });
    await feed(body, bytes).done;
    expect(body.spooledWhole).toBe(true);
    expect(body.digest()).toBe(sha256(bytes));
    await body.close();
    expect((await readFile(path)).equals(bytes)).toBe(true);
  });

  it('spools a body further behind from its first byte and hashes exactly the file', async () => {
    const bytes = pattern(9 * MIB + 1);
    const path = join(dir, 'spooled.mp4');
    const body = new PartBody(path);
    await feed(body, bytes).done;
    expect(body.digest()).toBe(sha256(bytes));
    await body.close();
    expect((await readFile(path)).equals(bytes)).toBe(true);
  });

  it('reads a spooled body that starts streaming midway from the file, then from memory', async () => {
    const bytes = pattern(10 * MIB + 99);
    const path = join(dir, 'late.mp4');
    const body = new PartBody(path);
    const { done, pulled } = feed(body, bytes);
    while (pulled() < 5 * MIB) await settle(5);
    body.stream();
    const read = await readAll(body, bytes.length);
    await done;
    expect(read.equals(bytes)).toBe(true);
    expect(body.digest()).toBeUndefined();
    await body.close();
  });

  it('lets a reader that needs the end of a held body (a moov at the end) have it without waiting for the head', async () => {
    const bytes = pattern(10 * MIB + 5);
    const path = join(dir, 'moov-last.mp4');
    const body = new PartBody(path, { hold: true });
    const { done } = feed(body, bytes);
    const tail = new Uint8Array(1000);
    await body.readInto(bytes.length - tail.length, tail);
    expect(Buffer.from(tail).equals(bytes.subarray(bytes.length - tail.length))).toBe(true);
    await done;
    expect(body.digest()).toBe(sha256(bytes));
    await body.close();
  });

  it('lends views of a streamed body that hold its bytes until they are released, across block boundaries', async () => {
    const bytes = pattern(6 * MIB + 777);
    const path = join(dir, 'views.mp4');
    const body = new PartBody(path, { hold: true });
    const { done } = feed(body, bytes);
    body.stream();
    // Pieces straddling 1 MiB block boundaries, as the joiner's re-chunked pieces do.
    const pieces = [
      [0, 700_000],
      [700_000, 900_000],
      [1_600_000, 2 * MIB],
      [1_600_000 + 2 * MIB, bytes.length - 1_600_000 - 2 * MIB],
    ] as const;
    for (const [offset, length] of pieces) {
      const views = await body.readViews(offset, length);
      expect(Buffer.concat(views).equals(bytes.subarray(offset, offset + length))).toBe(true);
      body.release(offset + length);
    }
    await done;
    await body.close();
  });

  it('lets at most two bodies in the process hold back at once: a third one spools', async () => {
    const bytes = pattern(6 * MIB);
    const bodies = ['a', 'b', 'c'].map((name) => new PartBody(join(dir, `${name}.mp4`), { hold: true }));
    const feeds = bodies.map((body) => feed(body, bytes));
    await settle(200);
    expect(feeds.map((f) => f.pulled() === bytes.length)).toEqual([false, false, true]);
    expect((await stat(join(dir, 'c.mp4'))).size).toBe(bytes.length);
    for (const body of bodies) body.stream();
    for (const body of bodies) expect((await readAll(body, bytes.length)).equals(bytes)).toBe(true);
    await Promise.all(feeds.map((f) => f.done));
    for (const body of bodies) await body.close();
    // The slots are free again.
    const again = new PartBody(join(dir, 'd.mp4'), { hold: true });
    const fed = feed(again, bytes);
    await settle(200);
    expect(fed.pulled()).toBeLessThan(bytes.length);
    again.stream();
    await readAll(again, bytes.length);
    await fed.done;
    await again.close();
  });

  it('keeps at most its stream cap ahead of the reader once streaming, pushing back on the socket until released', async () => {
    const bytes = pattern(12 * MIB + 321);
    const path = join(dir, 'capped.mp4');
    const body = new PartBody(path, { streamCapBytes: 2 * MIB });
    body.stream();
    const { done, pulled } = feed(body, bytes);
    await settle(200);
    // The cap, the block being filled and what the stream pipes queue; nowhere near the whole body.
    expect(pulled()).toBeLessThan(5 * MIB);
    expect(existsSync(path)).toBe(false);
    const read = await readAll(body, bytes.length);
    await done;
    expect(read.equals(bytes)).toBe(true);
    expect(existsSync(path)).toBe(false);
    await body.close();
  });

  it('takes a whole 12 MiB body with nobody reading under the default stream cap', async () => {
    const bytes = pattern(12 * MIB + 321);
    const body = new PartBody(join(dir, 'uncapped.mp4'));
    body.stream();
    await feed(body, bytes).done;
    expect((await readAll(body, bytes.length)).equals(bytes)).toBe(true);
    await body.close();
  });

  it('gives the joiner the first 4 MiB of a streamed body as the socket chunks themselves, and copies beyond them', async () => {
    const bytes = pattern(8 * MIB);
    const sent: Buffer[] = [];
    const body = new PartBody(join(dir, 'borrowed.mp4'));
    body.stream();
    const source = Readable.from(
      (function* chunks() {
        for (let at = 0; at < bytes.length; at += CHUNK) {
          const chunk = Buffer.from(bytes.subarray(at, at + CHUNK));
          sent.push(chunk);
          yield chunk;
        }
      })(),
      { objectMode: false, highWaterMark: CHUNK },
    );
    await pipeline(source, body.writable(bytes.length));
    const sentBuffers = new Set(sent.map((chunk) => chunk.buffer));

    const head = await body.readViews(0, 2 * CHUNK);
    expect(head.map((view) => view.buffer)).toEqual([sent[0]?.buffer, sent[1]?.buffer]);
    const beyond = await body.readViews(6 * MIB, CHUNK);
    expect(beyond.some((view) => sentBuffers.has(view.buffer as ArrayBuffer))).toBe(false);
    expect(Buffer.concat(beyond).equals(bytes.subarray(6 * MIB, 6 * MIB + CHUNK))).toBe(true);
    expect((await readAll(body, bytes.length)).equals(bytes)).toBe(true);
    await body.close();
  });
});
