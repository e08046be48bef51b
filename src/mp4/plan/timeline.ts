/**
 * Timeline anchoring for the joiner (docs/joiner.md, "Anchors and the timeline"), pure integer math. Every part is
 * anchored at one start `T_i` shared by all its tracks; a track's samples then sit at `raw_k = base + dts_k` with `base
 * = round((T_i + emptyEdit) × ts / movieTs) − mediaTime`, which honours the part's own edit list and so keeps the A/V
 * offset of the unsplit source. Mismatches of at most one sample are snapped away; larger ones are gaps or overlaps,
 * resolved without ever reordering samples.
 */
import { MediaError } from '../../errors/media-error.js';
import type { Track } from '../model.js';
import { divRound, toSafe } from '../rescale.js';

/** A track's edit list reduced to the one form we accept: `[empty]? + one media edit` (or none). */
export type PartEdit = {
  /** Empty edit before the media, in the clip's movie timescale. */
  readonly emptyMovie: number;
  /** Media time presented first, in the track's media timescale. */
  readonly mediaTime: number;
};

/**
 * Reduces `track.edits` to `PartEdit`. `noEditMediaTime` is used when there is no edit list (0 for progressive
 * input; the clip's earliest decode time for fragmented input). Throws `MediaError('E_MEDIA_UNSUPPORTED')` for any
 * other form (several media edits, dwell edits, rate ≠ 1), naming the clip and track.
 */
export function readPartEdit(track: Track, clipName: string, noEditMediaTime: number): PartEdit {
  const edits = track.edits;
  if (edits.length === 0) return { emptyMovie: 0, mediaTime: noEditMediaTime };
  let at = 0;
  let emptyMovie = 0;
  const first = edits[0];
  if (first !== undefined && first.mediaTime === -1) {
    emptyMovie = first.segmentDuration;
    at = 1;
  }
  const media = edits[at];
  if (media === undefined && at === 1) return { emptyMovie, mediaTime: noEditMediaTime };
  if (media === undefined || at + 1 !== edits.length || media.mediaTime < 0 || media.rate !== 1) {
    const shape = edits.map((e) => `(${e.segmentDuration}, ${e.mediaTime}, ${e.rate})`).join(' ');
    throw new MediaError(
      'E_MEDIA_UNSUPPORTED',
      `Unsupported edit list in ${clipName} track ${track.trackId}: ${shape}`,
      {
        hint: 'Only an optional empty edit followed by one media edit at rate 1 can be joined.',
      },
    );
  }
  return { emptyMovie, mediaTime: media.mediaTime };
}

/**
 * `round((T / anchorTimescale + emptyMovie / movieTimescale) × timescale) − mediaTime`: where decode time 0 of the
 * part's track lands on the output timeline, in the track's timescale.
 */
export function anchorBase(input: {
  readonly anchor: bigint;
  readonly anchorTimescale: number;
  readonly emptyMovie: number;
  readonly movieTimescale: number;
  readonly timescale: number;
  readonly mediaTime: number;
}): number {
  const a = BigInt(input.anchorTimescale);
  const m = BigInt(input.movieTimescale);
  const numerator = (input.anchor * m + BigInt(input.emptyMovie) * a) * BigInt(input.timescale);
  return toSafe(divRound(numerator, a * m)) - input.mediaTime;
}

/**
 * Largest start mismatch that is snapped rather than treated as a gap or an overlap: one sample, but never finer
 * than the precision the anchor was given in (edit lists in the movie timescale, KVS timestamps in milliseconds).
 */
export function snapTolerance(timescale: number, sampleDuration: number, movieTimescale: number): number {
  return Math.max(sampleDuration, Math.ceil(timescale / movieTimescale), Math.ceil(timescale / 1000));
}

/**
 * The duration to assume for a part's last sample until the next part proves otherwise: the one before it. Packagers
 * guess the last duration (TS-derived clips carry truncated ones, e.g. 512 for a 1024-sample AAC frame), and snapping
 * the next part to a guessed end would shift it against the other tracks.
 */
export function provisionalLastDuration(last: number, previous: number | undefined): number {
  if (previous === undefined || previous <= 0) return Math.max(1, last);
  return previous;
}

/** How a track's first sample in a new part meets the end of the previous part. */
export type StartDecision =
  /** Shift the part's track by `-delta` ticks (|delta| ≤ tolerance). */
  | { readonly kind: 'snap'; readonly delta: number }
  /** Leave a hole of `delta` ticks (> tolerance) before the part's first sample. */
  | { readonly kind: 'gap'; readonly delta: number }
  /** The part starts `-delta` ticks (> tolerance) before the previous end. */
  | { readonly kind: 'overlap'; readonly delta: number };

/** Classifies `delta = firstRaw − previousEnd` against the tolerance. */
export function classifyStart(delta: number, tolerance: number): StartDecision {
  if (Math.abs(delta) <= tolerance) return { kind: 'snap', delta };
  return delta > 0 ? { kind: 'gap', delta } : { kind: 'overlap', delta };
}

/** Milliseconds from ticks, rounded (reporting only). */
export function ticksToMs(ticks: number, timescale: number): number {
  return toSafe(divRound(BigInt(ticks) * 1000n, BigInt(timescale)));
}
