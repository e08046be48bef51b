import { openFileSource } from '../mp4/write/file-source.js';
import type { ByteSource, Clip } from '../mp4/model.js';
import { readClip } from '../mp4/read/read-clip.js';

/**
 * Parses a spooled GetClip body (only its sample index: a few bytes per sample). Throws MediaError `E_MP4_PARSE`
 * for an incomplete or malformed clip (the download retries those as truncated bodies), `E_MEDIA_UNSUPPORTED` for
 * codecs the joiner cannot take.
 */
export async function readSpooledClip(path: string): Promise<Clip> {
  const source = await openFileSource(path);
  try {
    return await readClip(source, { name: 'GetClip body' });
  } finally {
    await source.close();
  }
}

/** Parses a GetClip body still arriving (src/download/part-body.ts); same errors as `readSpooledClip`. */
export function readClipBody(source: ByteSource): Promise<Clip> {
  return readClip(source, { name: 'GetClip body' });
}
