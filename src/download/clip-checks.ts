import { MediaError } from '../errors/media-error.js';
import type { Clip } from '../mp4/model.js';
import type { Part } from '../plan/part.js';

/** A body that parsed but holds less media than the plan: the service truncated it silently (kvs-api.md §6.1). */
export class TruncatedClipError extends MediaError {
  constructor(
    readonly receivedMs: number,
    readonly replacement: readonly Part[],
  ) {
    super('E_MP4_PARSE', `GetClip returned a clip of ${receivedMs} ms, shorter than planned`);
  }
}

/** A clip that arrived but holds codecs the joiner cannot take: final, and never a reason to bisect. */
export class UnreadableClipError extends MediaError {
  constructor(cause: MediaError) {
    super('E_MEDIA_UNSUPPORTED', cause.message, cause.hint === undefined ? { cause } : { cause, hint: cause.hint });
  }
}

/**
 * Video duration of a clip in ms (media time of its first video track, or of the first track): what the truncation check compares
 * with the plan's fragment lengths.
 */
export function clipDurationMs(clip: Clip): number {
  const track = clip.tracks.find((t) => t.kind === 'video') ?? clip.tracks[0];
  if (track === undefined) return 0;
  const { durations, sampleCounts, unitCount } = track.samples;
  let ticks = 0;
  for (let i = 0; i < unitCount; i++) ticks += (durations[i] ?? 0) * (sampleCounts?.[i] ?? 1);
  return (ticks * 1000) / track.timescale;
}
