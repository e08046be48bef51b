import type { MemorySample, MemoryTrack, SampleEntry } from '../../src/mp4/model.js';

/** A sample entry box of `fourcc` with a recognisable body (the writers copy entries verbatim). */
export function fakeEntry(fourcc: string, codec: SampleEntry['codec'], key = fourcc): SampleEntry {
  const raw = new Uint8Array(16);
  new DataView(raw.buffer).setUint32(0, 16);
  raw.set(new TextEncoder().encode(fourcc), 4);
  raw[15] = 7;
  return { fourcc, codec, raw, key, nalLengthSize: 4 };
}

/** `count` samples with payload bytes derived from the sample index, so misplaced bytes are detectable. */
export function memoryTrack(options: {
  trackId: number;
  kind: 'video' | 'audio';
  timescale: number;
  count: number;
  duration: number;
  gop?: number;
  firstDts?: number;
  size?: (i: number) => number;
}): MemoryTrack {
  const samples: MemorySample[] = [];
  for (let i = 0; i < options.count; i++) {
    const size = options.size?.(i) ?? 100 + (i % 7);
    samples.push({
      dts: (options.firstDts ?? 0) + i * options.duration,
      duration: options.duration,
      ctsOffset: 0,
      sync: options.kind === 'audio' || i % (options.gop ?? 15) === 0,
      entryIndex: 0,
      size,
      bytes: () => new Uint8Array(size).fill((options.trackId * 31 + i) & 0xff),
    });
  }
  const video = options.kind === 'video';
  return {
    trackId: options.trackId,
    kind: options.kind,
    timescale: options.timescale,
    language: 'und',
    handlerName: video ? 'VideoHandler' : 'SoundHandler',
    entries: [video ? fakeEntry('avc1', 'h264') : fakeEntry('mp4a', 'aac')],
    width: video ? 320 : 0,
    height: video ? 180 : 0,
    samples,
  };
}

/** Top-level box types and sizes of an MP4 in memory (32-bit and 64-bit sizes). */
export function topLevelBoxes(bytes: Uint8Array): { type: string; offset: number; size: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { type: string; offset: number; size: number }[] = [];
  let at = 0;
  while (at + 8 <= bytes.length) {
    let size = view.getUint32(at);
    const type = new TextDecoder().decode(bytes.subarray(at + 4, at + 8));
    if (size === 1) size = Number(view.getBigUint64(at + 8));
    if (size < 8) break;
    out.push({ type, offset: at, size });
    at += size;
  }
  return out;
}

export async function collect(chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}
