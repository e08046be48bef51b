/**
 * The merged sample tables of a progressive join, grown part by part in their box shape (`TablesBuilder`: 4 bytes per
 * sample for stsz, runs for the rest), with the one fix-up a later part can force on an earlier one: the previous
 * part's last sample duration. That last unit is therefore held back until the next unit (or the end) arrives.
 */
import { MediaError } from '../../errors/media-error.js';
import type { PlacedTrack, TrackState } from './join-timeline.js';
import { outputEdits } from './output-edits.js';
import type { OutputTrack } from './output-track.js';
import { TablesBuilder, type TableUnit } from './tables-builder.js';
import type { TableSpill } from './table-spill.js';

type PendingUnit = { -readonly [K in keyof TableUnit]: TableUnit[K] } & {
  /** Decode time in the part's placed timeline (what the next part's first decode time is compared with). */
  readonly rawDts: number;
};

/** Merged tables of one output track. */
export class ProgressiveTables {
  private readonly builder: TablesBuilder;
  private pending: PendingUnit | null = null;
  private hasSync = false;

  /** `spill`: where full table blocks go while the join runs (none: they stay in memory). */
  constructor(spill?: TableSpill) {
    this.builder = new TablesBuilder(spill);
  }

  /** Starts an output chunk at payload `offset` whose units use sample entry `entry`. */
  addChunk(offset: number, entry: number): void {
    this.flush();
    this.builder.addChunk(offset, entry);
  }

  addUnit(t: PlacedTrack, u: number): void {
    this.flush();
    if (t.sync !== null) this.hasSync = true;
    this.pending = {
      size: t.sizes[u] ?? 0,
      duration: t.durations[u] ?? 0,
      count: t.counts === null ? 1 : (t.counts[u] ?? 1),
      cts: t.cts === null ? 0 : (t.cts[u] ?? 0),
      sync: t.sync === null || t.sync[u] === 1,
      rawDts: t.dts[u] ?? 0,
    };
  }

  /**
   * The previous part's last duration was provisional: now the next part's first decode time is known, so the gap
   * (kept) or the snapped continuation decides it. PCM units are exact; a kept PCM gap splits off the last sample.
   * Throws `MediaError('E_MEDIA_UNSUPPORTED')` when the gap does not fit a sample duration.
   */
  fixLastDuration(next: PlacedTrack, st: { readonly constantSampleSize: number } | undefined): void {
    const last = this.pending;
    const firstDts = next.dts[0];
    if (last === null || firstDts === undefined || st === undefined) return;
    if (st.constantSampleSize === 0) {
      setDuration(last, firstDts - last.rawDts);
      return;
    }
    const d = last.duration;
    const extra = firstDts - (last.rawDts + d * last.count);
    if (extra <= 0) return;
    if (last.count > 1) {
      last.count -= 1;
      last.size -= st.constantSampleSize;
      this.builder.add(last);
      // The split-off sample stays in the same chunk: the chunk's sample count is unchanged.
      this.pending = {
        size: st.constantSampleSize,
        duration: d,
        count: 1,
        cts: 0,
        sync: true,
        rawDts: last.rawDts + d * last.count,
      };
    }
    if (this.pending !== null) setDuration(this.pending, d + extra);
  }

  /**
   * The track as it stands (callable between parts: later parts may still change the last duration, so it is added
   * to a copy of the builder, not to this one).
   */
  output(st: TrackState, trackId: number, movieTimescale: number): OutputTrack {
    let b = this.builder;
    if (this.pending !== null) {
      b = b.clone();
      b.add(this.pending);
    }
    const edits = outputEdits({
      timescale: st.timescale,
      movieTimescale,
      firstDts: st.rawOrigin ?? 0,
      minCts: b.earliestCts,
      presentationEnd: b.latestCtsEnd,
    });
    return {
      trackId,
      kind: st.kind,
      timescale: st.timescale,
      language: st.source.language,
      handlerName: st.source.handlerName,
      width: st.source.width,
      height: st.source.height,
      entries: st.entries,
      constantSampleSize: st.constantSampleSize,
      compact: b.tables({ constantSampleSize: st.constantSampleSize, withStss: this.hasSync }),
      edits: edits.edits,
      mediaDuration: b.mediaDuration,
      movieDuration: edits.movieDuration,
    };
  }

  private flush(): void {
    if (this.pending === null) return;
    this.builder.add(this.pending);
    this.pending = null;
  }
}

function setDuration(unit: PendingUnit, duration: number): void {
  if (duration < 1 || duration > 0xffffffff) {
    throw new MediaError(
      'E_MEDIA_UNSUPPORTED',
      `Join gap of ${duration} ticks cannot be written as a sample duration`,
      {
        hint: 'Use --gaps close or split the output at the gap.',
      },
    );
  }
  unit.duration = duration;
}
