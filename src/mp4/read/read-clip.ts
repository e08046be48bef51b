/**
 * Reads one input clip (a spooled GetClip body or a user's file) into a `Clip`: the index of every sample plus codec
 * configuration, never payload bytes. Handles `moov` before or after `mdat`, and fragmented files.
 */
import { readKvsStart } from '../boxes/kvs-start.js';
import type { KvsClipError } from '../../errors/kvs-clip-error.js';
import { MediaError } from '../../errors/media-error.js';
import { openBox, type BoxView } from './byte-reader.js';
import { parseMoof } from '../boxes/moof.js';
import { parseMvex } from '../boxes/mvex.js';
import { parseMvhd } from '../boxes/mvhd.js';
import { parseTkhd } from '../boxes/tkhd.js';
import type { ByteSource, Clip, ClipLayout, Track } from '../model.js';
import { loadBox, scanTopLevel, type TopLevelBox } from './read-boxes.js';
import { applyFragments, type LoadedMoof } from './read-fragmented.js';
import { readTrack } from './sample-tables.js';

/** Largest single `moof` we load (ffmpeg's per-GOP fragments are KBs). */
const MAX_MOOF_BYTES = 16 * 1024 * 1024;

/**
 * Parses `source`. Tracks come video first, then audio (each in file order); tracks that are neither are dropped.
 * Throws `MediaError('E_MP4_PARSE')` for malformed or truncated input (message: what failed, box path, byte
 * offset) and `E_MEDIA_UNSUPPORTED` for unknown codecs or a clip with no audio/video track; with `options.name`
 * the message starts with it.
 */
export async function readClip(source: ByteSource, options: { name?: string } = {}): Promise<Clip> {
  try {
    return await readClipUnnamed(source);
  } catch (error) {
    if (options.name === undefined || !(error instanceof MediaError)) throw error;
    const code = mediaCode(error);
    throw new MediaError(
      code,
      `${options.name}: ${error.message}`,
      error.hint === undefined ? { cause: error } : { cause: error, hint: error.hint },
    );
  }
}

async function readClipUnnamed(source: ByteSource): Promise<Clip> {
  const boxes = await scanTopLevel(source);
  const moovs = boxes.filter((b) => b.type === 'moov');
  const [moovBox, extraMoov] = moovs;
  if (moovBox === undefined) {
    const seen = boxes
      .slice(0, 8)
      .map((b) => b.type)
      .join(', ');
    throw new MediaError('E_MP4_PARSE', `no moov box (top level: ${seen === '' ? 'nothing' : seen}) @ 0x0`, {
      hint: 'the file is truncated or not an MP4',
    });
  }
  if (extraMoov !== undefined) {
    throw new MediaError('E_MP4_PARSE', `second moov box (concatenated files?) @ 0x${extraMoov.offset.toString(16)}`);
  }
  const moofBoxes = boxes.filter((b) => b.type === 'moof');
  const layout = layoutOf(moovBox, boxes, moofBoxes.length > 0);

  const moov = (await loadBox(source, moovBox)).boxes();
  const mvhdView = moov.find((b) => b.type === 'mvhd');
  if (mvhdView === undefined)
    throw new MediaError('E_MP4_PARSE', `moov has no mvhd @ 0x${moovBox.offset.toString(16)}`);
  const mvhd = parseMvhd(mvhdView.body);
  if (mvhd.timescale === 0) mvhdView.body.fail('mvhd timescale is 0', mvhdView.offset);

  const read: Track[] = [];
  const skipped = new Set<number>();
  for (const trak of moov.filter((b) => b.type === 'trak')) {
    const track = readTrack(trak, { sourceSize: source.size });
    if (track === null) skipped.add(trackIdOf(trak));
    else read.push(track);
  }
  let tracks = read;
  if (moofBoxes.length > 0) {
    const mvexView = moov.find((b) => b.type === 'mvex');
    if (mvexView === undefined)
      throw new MediaError('E_MP4_PARSE', `moof boxes but moov has no mvex @ 0x${moovBox.offset.toString(16)}`);
    const { trex } = parseMvex(mvexView.body);
    const moofs: LoadedMoof[] = [];
    for (const [index, box] of moofBoxes.entries()) {
      const path = moofBoxes.length > 1 ? `moof[${index}]` : 'moof';
      const reader = await loadBox(source, box, { maxBytes: MAX_MOOF_BYTES, path });
      moofs.push({ offset: box.offset, moof: parseMoof(reader), path });
    }
    tracks = applyFragments(read, trex, moofs, { sourceSize: source.size, skippedTrackIds: skipped });
  }
  if (tracks.length === 0)
    throw new MediaError('E_MEDIA_UNSUPPORTED', `no video or audio track in moov @ 0x${moovBox.offset.toString(16)}`);
  const ordered = [...tracks.filter((t) => t.kind === 'video'), ...tracks.filter((t) => t.kind === 'audio')];
  const startMs = readKvsStart(moov);
  return {
    layout,
    movieTimescale: mvhd.timescale,
    tracks: ordered,
    sizeBytes: source.size,
    ...(startMs === undefined ? {} : { startMs }),
  };
}

function layoutOf(moov: TopLevelBox, boxes: readonly TopLevelBox[], fragmented: boolean): ClipLayout {
  if (fragmented) return 'fragmented';
  const firstMdat = boxes.find((b) => b.type === 'mdat');
  return firstMdat !== undefined && firstMdat.offset < moov.offset ? 'moov-last' : 'moov-first';
}

/** The tkhd track ID of a skipped track, so its fragments can be ignored rather than rejected. */
function trackIdOf(trak: BoxView): number {
  const tkhd = openBox(trak.raw, { baseOffset: trak.offset }).body.find('tkhd');
  return tkhd === undefined ? -1 : parseTkhd(tkhd.body).trackId;
}

function mediaCode(error: KvsClipError): 'E_MEDIA_UNSUPPORTED' | 'E_MP4_PARSE' | 'E_JOIN_MISMATCH' {
  switch (error.code) {
    case 'E_MEDIA_UNSUPPORTED':
    case 'E_JOIN_MISMATCH':
      return error.code;
    default:
      return 'E_MP4_PARSE';
  }
}
