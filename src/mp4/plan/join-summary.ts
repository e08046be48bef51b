/**
 * What a finished join reports (the `Joiner.finish` and `joinFiles` result): per-track counts and durations, gaps,
 * seams and codec-config switches, taken from the join's timeline and, for a progressive file, its merged tables.
 */
import type { Codec, TrackKind } from '../model.js';
import type { JoinGap, Timeline } from './join-timeline.js';
import { ticksToMs } from './timeline.js';

export type JoinTrackSummary = {
  readonly trackId: number;
  readonly kind: TrackKind;
  readonly codec: Codec;
  readonly timescale: number;
  readonly samples: number;
  readonly durationMs: number;
  /** Distinct codec configurations (sample entries) in the output. */
  readonly configurations: number;
};

export type JoinSummary = {
  readonly bytes: number;
  readonly tracks: readonly JoinTrackSummary[];
  readonly durationMs: number;
  readonly gaps: readonly JoinGap[];
  /** Number of seams (parts − 1). */
  readonly joins: number;
  /** Sample-entry switches in the output (e.g. a resolution change). */
  readonly configChanges: number;
};

/**
 * Summarises a join of `bytes` bytes. `tracks` are the progressive output's tracks (their exact durations), or
 * `null` for fragmented output, where the timeline's running ends are the durations.
 */
export function summariseJoin(
  bytes: number,
  timeline: Timeline,
  tracks: readonly { mediaDuration: number; movieDuration: number }[] | null,
): JoinSummary {
  const summaries = timeline.state.map((s, i): JoinTrackSummary => {
    const t = tracks?.[i];
    return {
      trackId: i + 1,
      kind: s.kind,
      codec: s.codec,
      timescale: s.timescale,
      samples: s.samples,
      durationMs:
        t === undefined
          ? ticksToMs(s.prevEnd - (s.rawOrigin ?? 0), s.timescale)
          : ticksToMs(t.mediaDuration, s.timescale),
      configurations: s.entries.length,
    };
  });
  let durationMs = 0;
  for (const t of tracks ?? []) durationMs = Math.max(durationMs, ticksToMs(t.movieDuration, timeline.timescale));
  if (tracks === null) for (const s of summaries) durationMs = Math.max(durationMs, s.durationMs);
  return {
    bytes,
    tracks: summaries,
    durationMs,
    gaps: [...timeline.gaps],
    joins: Math.max(0, timeline.parts - 1),
    configChanges: timeline.configChanges,
  };
}
