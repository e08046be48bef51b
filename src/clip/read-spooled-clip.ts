import { openFileSource } from '../mp4/write/file-source.js';
import type { ByteSource, Clip } from '../mp4/model.js';
import type { readClip as ReadClip } from '../mp4/read/read-clip.js';

/**
 * Parses a spooled GetClip body (only its sample index: a few bytes per sample). Throws MediaError `E_MP4_PARSE`
 * for an incomplete or malformed clip (the download retries those as truncated bodies), `E_MEDIA_UNSUPPORTED` for
 * codecs the joiner cannot take.
 */
export async function readSpooledClip(path: string): Promise<Clip> {
  const source = await openFileSource(path);
  try {
    return await (
      await clipReader()
    )(source, { name: 'GetClip body' });
  } finally {
    await source.close();
  }
}

/** Parses a GetClip body still arriving (src/download/part-body.ts); same errors as `readSpooledClip`. */
export async function readClipBody(source: ByteSource): Promise<Clip> {
  return (await clipReader())(source, { name: 'GetClip body' });
}

/** src/mp4's clip reader, loaded on the first body (see open-joiner.ts). */
async function clipReader(): Promise<typeof ReadClip> {
  return (await import('../mp4/read/read-clip.js')).readClip;
}
