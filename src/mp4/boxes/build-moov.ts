/**
 * moov, ISO/IEC 14496-12 §8.2.1, for the files we write: progressive (full sample tables) or a fragmented init
 * segment (empty tables + `mvex`). hdlr/vmhd/smhd/dinf are written fresh: the model keeps only the handler name.
 */
import { box, boxChunks, ByteWriter, concatBytes, fullBox } from './byte-writer.js';
import { buildDinf } from './dinf.js';
import { buildEdts } from './elst.js';
import { buildHdlr } from './hdlr.js';
import { buildKvsStartUdta } from './kvs-start.js';
import { buildMdhd } from './mdhd.js';
import { buildSmhd, buildVmhd } from './media-header.js';
import { buildMvhd } from './mvhd.js';
import { buildTkhd } from './tkhd.js';
import { buildEmptyStbl, buildStbl } from './build-stbl.js';
import { chunkBytes, type BoxChunk } from '../plan/table-spill.js';
import type { OutputMovie, OutputTrack } from '../plan/output-track.js';

export type MoovOptions =
  | { readonly layout: 'progressive'; readonly payloadOffset: number; readonly co64ThresholdBytes: number }
  | { readonly layout: 'fragmented' };

/** Builds `moov` for `movie`. Throws `InternalError` when a value does not fit its field (a bug upstream). */
export function buildMoov(movie: OutputMovie, options: MoovOptions): Uint8Array {
  return concatBytes(buildMoovChunks(movie, options).map(chunkBytes));
}

/**
 * `buildMoov` as its bytes in order, for writers that can write them one after another: no copy of the sample
 * tables is made for the parent boxes (a day's tables are tens of MB), and spilled table blocks stay spilled until
 * the writer reads each one back (`chunkBytes`) to write it. Throws like `buildMoov`.
 */
export function buildMoovChunks(movie: OutputMovie, options: MoovOptions): BoxChunk[] {
  let duration = 0;
  let nextTrackId = 1;
  for (const t of movie.tracks) {
    duration = Math.max(duration, t.movieDuration);
    nextTrackId = Math.max(nextTrackId, t.trackId + 1);
  }
  const mvhd = buildMvhd({
    timescale: movie.movieTimescale,
    duration: options.layout === 'fragmented' ? 0 : duration,
    nextTrackId,
    ...stamped(movie.creationTime),
  });
  const traks = movie.tracks.map((t) => buildTrak(t, options, movie.creationTime));
  const udta = movie.startMs === undefined ? [] : [buildKvsStartUdta(movie.startMs)];
  if (options.layout === 'progressive') return boxChunks('moov', mvhd, ...traks, ...udta);
  return boxChunks('moov', mvhd, ...traks, box('mvex', ...movie.tracks.map((t) => buildTrex(t.trackId))), ...udta);
}

/** Creation and modification time fields, when the movie has a creation time. */
function stamped(creationTime: number | undefined): { creationTime?: number; modificationTime?: number } {
  return creationTime === undefined ? {} : { creationTime, modificationTime: creationTime };
}

function buildTrak(track: OutputTrack, options: MoovOptions, creationTime: number | undefined): BoxChunk[] {
  const fragmented = options.layout === 'fragmented';
  const video = track.kind === 'video';
  const tkhd = buildTkhd({
    trackId: track.trackId,
    duration: fragmented ? 0 : track.movieDuration,
    width: video ? track.width : 0,
    height: video ? track.height : 0,
    volume: video ? 0 : 0x100,
    alternateGroup: video ? 0 : 1,
    ...stamped(creationTime),
  });
  const mdhd = buildMdhd({
    timescale: track.timescale,
    duration: fragmented ? 0 : track.mediaDuration,
    language: track.language,
    ...stamped(creationTime),
  });
  const hdlr = buildHdlr({ handlerType: video ? 'vide' : 'soun', name: track.handlerName });
  const stbl = options.layout === 'fragmented' ? buildEmptyStbl(track) : buildStbl(track, options);
  const minf = boxChunks('minf', video ? buildVmhd() : buildSmhd(), buildDinf(), stbl);
  const children: (Uint8Array | BoxChunk[])[] = [tkhd];
  if (track.edits.length > 0) children.push(buildEdts(track.edits));
  children.push(boxChunks('mdia', mdhd, hdlr, minf));
  return boxChunks('trak', ...children);
}

/** trex, §8.8.3: defaults for fragments; every `tfhd`/`trun` we write states its own values. */
function buildTrex(trackId: number): Uint8Array {
  return fullBox('trex', 0, 0, new ByteWriter(20).u32(trackId).u32(1).u32(0).u32(0).u32(0).finish());
}
