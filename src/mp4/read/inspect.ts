/**
 * Plain, JSON-able descriptions of a clip for `kvs-clip inspect` and for tests: a per-track summary of a parsed
 * `Clip`, and the box tree of a source (containers opened, `mdat` never read).
 */
import type { BoxView, ByteReader } from './byte-reader.js';
import { printableType } from './byte-reader.js';
import { parseAudioSampleEntry } from '../boxes/audio-sample-entry.js';
import { parseStsd } from '../boxes/stsd.js';
import { parseVisualSampleEntry } from '../boxes/visual-sample-entry.js';
import type { ByteSource, Clip, ClipLayout, Codec, EditEntry, Track, TrackKind } from '../model.js';
import { loadBox, scanTopLevel } from './read-boxes.js';

export type TrackSummary = {
  readonly trackId: number;
  readonly kind: TrackKind;
  /** Codec of the first `stsd` entry. */
  readonly codec: Codec;
  readonly fourcc: string;
  readonly width: number;
  readonly height: number;
  readonly timescale: number;
  readonly language: string;
  readonly handlerName: string;
  /** Table units (samples, or chunks for A-law). */
  readonly unitCount: number;
  /** Media samples (for A-law: one per byte per channel). */
  readonly sampleCount: number;
  readonly syncSampleCount: number;
  readonly firstDts: number;
  /** Σ sample durations in the media timescale. */
  readonly duration: number;
  readonly durationMs: number;
  readonly stsdEntryCount: number;
  readonly edits: readonly EditEntry[];
  readonly channelCount?: number;
  readonly sampleRate?: number;
};

export type ClipSummary = {
  readonly layout: ClipLayout;
  readonly movieTimescale: number;
  readonly sizeBytes: number;
  /** Longest track, in milliseconds (rounded). */
  readonly durationMs: number;
  readonly tracks: readonly TrackSummary[];
};

export type BoxTreeLine = {
  /** 0 for top-level boxes. */
  readonly depth: number;
  readonly type: string;
  /** e.g. `moov/trak[1]/mdia/minf/stbl/stsd/mp4a`. */
  readonly path: string;
  readonly offset: number;
  readonly size: number;
};

/** Summarises a parsed clip. Pure; never throws. */
export function inspectClip(clip: Clip): ClipSummary {
  const tracks = clip.tracks.map(summariseTrack);
  const durationMs = tracks.reduce((max, t) => Math.max(max, t.durationMs), 0);
  return { layout: clip.layout, movieTimescale: clip.movieTimescale, sizeBytes: clip.sizeBytes, durationMs, tracks };
}

function summariseTrack(track: Track): TrackSummary {
  const s = track.samples;
  let sampleCount = 0;
  let duration = 0;
  for (let i = 0; i < s.unitCount; i++) {
    const count = s.sampleCounts?.[i] ?? 1;
    sampleCount += count;
    duration += (s.durations[i] ?? 0) * count;
  }
  let syncSampleCount = s.unitCount;
  if (s.sync !== null) syncSampleCount = s.sync.reduce((n, v) => n + v, 0);
  const first = track.entries[0];
  return {
    trackId: track.trackId,
    kind: track.kind,
    codec: first?.codec ?? (track.kind === 'video' ? 'h264' : 'aac'),
    fourcc: first?.fourcc ?? '',
    width: track.width,
    height: track.height,
    timescale: track.timescale,
    language: track.language,
    handlerName: track.handlerName,
    unitCount: s.unitCount,
    sampleCount,
    syncSampleCount,
    firstDts: track.firstDts,
    duration,
    durationMs: Math.round((duration * 1000) / track.timescale),
    stsdEntryCount: track.entries.length,
    edits: track.edits,
    ...(first?.channelCount === undefined ? {} : { channelCount: first.channelCount }),
    ...(first?.sampleRate === undefined ? {} : { sampleRate: first.sampleRate }),
  };
}

const CONTAINERS = new Set([
  'moov',
  'trak',
  'mdia',
  'minf',
  'stbl',
  'edts',
  'dinf',
  'mvex',
  'moof',
  'traf',
  'mfra',
  'udta',
  'wave',
]);
const VISUAL = new Set(['avc1', 'avc3', 'hvc1', 'hev1']);
const AUDIO = new Set(['mp4a', 'alaw']);

/**
 * Lists the boxes of `source` depth-first: top-level boxes, and the children of containers (`moov`, `trak`, …,
 * `stsd` entries and their codec boxes). Payloads of `mdat` are never read. Throws `MediaError('E_MP4_PARSE')` for
 * a malformed box structure, as `readClip` would.
 */
export async function describeBoxTree(source: ByteSource): Promise<BoxTreeLine[]> {
  const lines: BoxTreeLine[] = [];
  const boxes = await scanTopLevel(source);
  const totals = new Map<string, number>();
  for (const top of boxes) totals.set(top.type, (totals.get(top.type) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const top of boxes) {
    const type = printableType(top.type);
    const index = seen.get(top.type) ?? 0;
    seen.set(top.type, index + 1);
    // Same naming as ByteReader.boxes(): a repeated type gets a 0-based index (moof[1]).
    const path = (totals.get(top.type) ?? 0) > 1 ? `${type}[${index}]` : type;
    lines.push({ depth: 0, type, path, offset: top.offset, size: top.size });
    if (CONTAINERS.has(top.type)) walk(await loadBox(source, top, { path }), 1, lines);
  }
  return lines;
}

function walk(reader: ByteReader, depth: number, lines: BoxTreeLine[]): void {
  for (const child of reader.boxes()) {
    lines.push({
      depth,
      type: printableType(child.type),
      path: child.body.path,
      offset: child.offset,
      size: child.size,
    });
    if (CONTAINERS.has(child.type)) walk(child.body, depth + 1, lines);
    else if (child.type === 'stsd') for (const entry of parseStsd(child.body)) describeEntry(entry, depth + 1, lines);
  }
}

function describeEntry(entry: BoxView, depth: number, lines: BoxTreeLine[]): void {
  lines.push({ depth, type: printableType(entry.type), path: entry.body.path, offset: entry.offset, size: entry.size });
  let children: BoxView[] = [];
  if (VISUAL.has(entry.type)) children = parseVisualSampleEntry(entry.body).children;
  else if (AUDIO.has(entry.type)) children = parseAudioSampleEntry(entry.body).children;
  for (const child of children) {
    lines.push({
      depth: depth + 1,
      type: printableType(child.type),
      path: child.body.path,
      offset: child.offset,
      size: child.size,
    });
  }
}
