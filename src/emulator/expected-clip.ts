import { writeFile } from 'node:fs/promises';
import type { ClipLayout } from '../mp4/model.js';
import { buildClipStream, type ClipStream } from '../mp4/write-samples.js';
import { shapeClip, type ClipShape } from './clip-shape.js';
import type { EmulatedStream, StreamFragment } from './emulated-stream.js';
import { listStreamFragments, type FragmentRange } from './list-stream-fragments.js';

/** The reference MP4 for exactly some fragments (no caps, codec-config changes allowed as extra sample entries). */
export type ExpectedClip = ClipStream & {
  readonly fragments: readonly StreamFragment[];
  /** Writes the MP4 to `path`. Rejects with the file system error. */
  writeTo(path: string): Promise<void>;
};

/**
 * Builds the reference clip of a range (or of explicit fragments) the way GetClip would (same shape and seed), but without the 200 /
 * 100 MB caps and without the CPD-change error. Tests compare kvs-clip output against it with ffmpeg.
 * Throws RangeError when the range holds no fragment.
 */
export function expectedClip(
  stream: EmulatedStream,
  selection: FragmentRange | readonly StreamFragment[],
  options: { readonly nowMs: number; readonly layout?: ClipLayout; readonly shape?: ClipShape; readonly seed?: number },
): ExpectedClip {
  const fragments = Array.isArray(selection)
    ? (selection as readonly StreamFragment[])
    : listStreamFragments(stream, selection as FragmentRange, options.nowMs);
  if (fragments.length === 0) throw new RangeError(`no fragments of ${stream.description.name} in the requested range`);
  const media = shapeClip(stream.clipMedia(fragments), {
    shape: options.shape ?? 'aws',
    requestMs: options.nowMs,
    seed: options.seed ?? 1,
  });
  const clip = buildClipStream(media, { layout: options.layout ?? 'moov-first' });
  return {
    sizeBytes: clip.sizeBytes,
    chunks: () => clip.chunks(),
    fragments,
    async writeTo(path) {
      const parts: Uint8Array[] = [];
      for (const chunk of clip.chunks()) parts.push(chunk);
      await writeFile(path, Buffer.concat(parts));
    },
  };
}
