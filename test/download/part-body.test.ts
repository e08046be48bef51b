import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { PartBody } from '../../src/download/part-body.js';

// The head body's memory cap (docs/pipeline.md, "Write once"; docs/archive.md, "Memory"): while streaming into the
// joiner, a body holds at most its cap ahead of the reader, and its writer (the GetClip socket) waits for room.

const dir = mkdtempSync(join(tmpdir(), 'kvs-clip-part-body-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHUNK = 64 * 1024;
const CHUNKS = 16;
const chunkOf = (i: number): Buffer => Buffer.alloc(CHUNK, i + 1);

/** Writes the whole body into `sink` and resolves `finished` once the writable has taken every byte. */
function feed(sink: Writable): { finished: () => boolean; done: Promise<void> } {
  let finished = false;
  const done = (async () => {
    for (let i = 0; i < CHUNKS; i++) if (!sink.write(chunkOf(i))) await once(sink, 'drain');
    sink.end();
    await once(sink, 'finish');
    finished = true;
  })();
  return { finished: () => finished, done };
}

/** Lets pending I/O and promise chains run (no timers: only turns of the event loop). */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('PartBody memory cap', () => {
  it('makes the writer wait once the cap is held ahead of the reader, and take the rest as the reader releases', async () => {
    const body = new PartBody(join(dir, 'capped.mp4'), 4 * CHUNK);
    body.stream();
    const sink = body.writable(CHUNK * CHUNKS);
    const fed = feed(sink);
    await turns(50);
    expect(fed.finished(), 'the whole body was taken with nobody reading').toBe(false);
    for (let i = 0; i < CHUNKS; i++) {
      const bytes = await body.read(i * CHUNK, CHUNK);
      expect(Buffer.from(bytes).equals(chunkOf(i)), `chunk ${i}`).toBe(true);
      body.release((i + 1) * CHUNK);
    }
    await fed.done;
    await body.close();
  });

  it('takes a body smaller than the default cap whole with nobody reading', async () => {
    const body = new PartBody(join(dir, 'default.mp4'));
    body.stream();
    const fed = feed(body.writable(CHUNK * CHUNKS));
    await fed.done;
    const bytes = await body.read((CHUNKS - 1) * CHUNK, CHUNK);
    expect(Buffer.from(bytes).equals(chunkOf(CHUNKS - 1))).toBe(true);
    await body.close();
  });
});
