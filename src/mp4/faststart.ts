/**
 * Faststart (mp4-join.md §7): one sequential pass that writes ftyp + moov + mdat into a sibling temp file and renames
 * it over the original, like ffmpeg's `+faststart` and qt-faststart. Needs room for a second copy while it runs; the
 * original stays intact (and resumable) until the rename.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { buildMoov } from './build-moov.js';
import type { OutputMovie } from './output-track.js';
import { asOutputError } from './as-output-error.js';

export type FaststartInput = {
  readonly ftyp: Uint8Array;
  /** The 16-byte mdat header (free + mdat, or a 64-bit mdat). */
  readonly header: Uint8Array;
  readonly movie: OutputMovie;
  /** Where the payload starts in the moov-less file. */
  readonly payloadStart: number;
  readonly payloadBytes: number;
  readonly co64ThresholdBytes: number;
};

/** Rewrites `path` moov-first; returns the final size. Throws `OutputError('E_OUTPUT_WRITE')` on I/O failure. */
export async function faststart(path: string, input: FaststartInput): Promise<number> {
  const moov = moovInFront(input);
  const temp = `${path}.faststart`;
  try {
    const out = createWriteStream(temp);
    const head = Buffer.concat([input.ftyp, moov, input.header]);
    async function* body(): AsyncGenerator<Uint8Array> {
      yield head;
      if (input.payloadBytes === 0) return;
      const from = createReadStream(path, { start: input.payloadStart, end: input.payloadStart + input.payloadBytes - 1, highWaterMark: 1 << 20 });
      for await (const chunk of from) {
        if (chunk instanceof Uint8Array) yield chunk;
      }
    }
    await pipeline(body, out);
    await rename(temp, path);
  } catch (cause) {
    await rm(temp, { force: true });
    throw asOutputError(cause, path);
  }
  return input.ftyp.length + moov.length + input.header.length + input.payloadBytes;
}

/**
 * Offsets shift by the moov size, and the moov size depends on whether the shifted offsets need `co64`: settle it
 * by rebuilding until the size stops changing (at most one switch from stco to co64).
 */
function moovInFront(input: FaststartInput): Uint8Array {
  const build = (moovSize: number): Uint8Array =>
    buildMoov(input.movie, {
      layout: 'progressive',
      payloadOffset: input.ftyp.length + moovSize + input.header.length,
      co64ThresholdBytes: input.co64ThresholdBytes,
    });
  let moov = build(0);
  for (let i = 0; i < 3; i++) {
    const next = build(moov.length);
    if (next.length === moov.length) return next;
    moov = next;
  }
  return build(moov.length);
}
