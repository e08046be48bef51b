/**
 * The output edit list of docs/joiner.md, "Anchors and the timeline": `E = raw_0 + M` (if E < 0: M −= E, E = 0), then
 * `elst = [(E, −1) if E > 0] + [(presentationEnd − M, M)]`, with M = the earliest composition time, so a B-frame
 * delay is expressed as media_time (ffmpeg treats (E=0, M=0) and (E=d, M=d) differently).
 */
import type { EditEntry } from '../model.js';
import { rescale } from '../rescale.js';

export type EditInput = {
  readonly timescale: number;
  readonly movieTimescale: number;
  /** Where the track's first decode time sits on the output timeline (media timescale; may be negative). */
  readonly firstDts: number;
  /** Earliest composition time relative to the first decode time (media timescale, ≥ 0 normally). */
  readonly minCts: number;
  /** Latest composition end relative to the first decode time (media timescale). */
  readonly presentationEnd: number;
};

export type OutputEdits = {
  readonly edits: readonly EditEntry[];
  /** Σ segment durations (`tkhd.duration`), movie timescale. */
  readonly movieDuration: number;
};

/** Computes a track's output edit list; no `edts` at all (empty list) when it would be the identity. */
export function outputEdits(input: EditInput): OutputEdits {
  let media = input.minCts;
  let empty = input.firstDts + media;
  if (empty < 0) {
    media -= empty;
    empty = 0;
  }
  const emptyMovie = rescale(empty, input.timescale, input.movieTimescale);
  const shownMovie = rescale(Math.max(0, input.presentationEnd - media), input.timescale, input.movieTimescale);
  if (emptyMovie === 0 && media === 0) return { edits: [], movieDuration: shownMovie };
  const edits: EditEntry[] = [];
  if (emptyMovie > 0) edits.push({ segmentDuration: emptyMovie, mediaTime: -1, rate: 1 });
  edits.push({ segmentDuration: shownMovie, mediaTime: media, rate: 1 });
  return { edits, movieDuration: emptyMovie + shownMovie };
}
