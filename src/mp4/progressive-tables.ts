/**
 * The merged sample tables of a progressive join, grown part by part in typed arrays (a few bytes per sample), with
 * the one fix-up a later part can force on an earlier one: the previous part's last sample duration.
 */
import { MediaError } from '../errors/media-error.js';
import { Growable } from './growable.js';
import type { PlacedTrack, TrackState } from './join-timeline.js';
import { outputEdits } from './output-edits.js';
import type { OutputTrack } from './output-track.js';

/** Merged tables of one output track. */
export class ProgressiveTables {
  readonly sizes = new Growable(Uint32Array, 1024);
  readonly durations = new Growable(Uint32Array, 1024);
  readonly sync = new Growable(Uint8Array, 1024);
  readonly entries = new Growable(Uint8Array, 1024);
  readonly chunkOffsets = new Growable(Float64Array, 64);
  readonly chunkUnits = new Growable(Uint32Array, 64);
  /** Created on the first unit that needs them (PCM counts, B-frame offsets): most tracks never pay for them. */
  private counts: Growable<Uint32Array> | null = null;
  private cts: Growable<Int32Array> | null = null;
  private lastRawEnd = 0;
  private hasSync = false;

  addChunk(offset: number, units: number): void {
    this.chunkOffsets.push(offset);
    this.chunkUnits.push(units);
  }

  addUnit(t: PlacedTrack, u: number): void {
    const count = t.counts === null ? 1 : (t.counts[u] ?? 1);
    const c = t.cts === null ? 0 : (t.cts[u] ?? 0);
    if (count !== 1 && this.counts === null) this.counts = backfilled(Uint32Array, this.sizes.length, 1);
    if (c !== 0 && this.cts === null) this.cts = backfilled(Int32Array, this.sizes.length, 0);
    this.sizes.push(t.sizes[u] ?? 0);
    this.durations.push(t.durations[u] ?? 0);
    this.counts?.push(count);
    this.cts?.push(c);
    if (t.sync !== null) this.hasSync = true;
    this.sync.push(t.sync === null ? 1 : (t.sync[u] ?? 0));
    this.entries.push(t.entryIndex[u] ?? 0);
    this.lastRawEnd = (t.dts[u] ?? 0) + (t.durations[u] ?? 0) * count;
  }

  private countAt(unit: number): number {
    return this.counts === null ? 1 : this.counts.at(unit);
  }

  /**
   * The previous part's last duration was provisional: now the next part's first decode time is known, so the gap
   * (kept) or the snapped continuation decides it. PCM units are exact; a kept PCM gap splits off the last sample.
   */
  fixLastDuration(next: PlacedTrack, st: { readonly constantSampleSize: number } | undefined): void {
    const n = this.sizes.length;
    const firstDts = next.dts[0];
    if (n === 0 || firstDts === undefined || st === undefined) return;
    const last = n - 1;
    const count = this.countAt(last);
    const d = this.durations.at(last);
    const start = this.lastRawEnd - d * count;
    if (st.constantSampleSize === 0) {
      this.setDuration(last, firstDts - start);
      return;
    }
    const extra = firstDts - this.lastRawEnd;
    if (extra <= 0) return;
    if (count > 1 && this.counts !== null) {
      this.counts.set(last, count - 1);
      this.sizes.set(last, this.sizes.at(last) - st.constantSampleSize);
      this.sizes.push(st.constantSampleSize);
      this.durations.push(d);
      this.counts.push(1);
      this.cts?.push(0);
      this.sync.push(1);
      this.entries.push(this.entries.at(last));
      this.chunkUnits.set(this.chunkUnits.length - 1, this.chunkUnits.at(this.chunkUnits.length - 1) + 1);
    }
    this.setDuration(this.sizes.length - 1, d + extra);
  }

  private setDuration(unit: number, duration: number): void {
    if (duration < 1 || duration > 0xffffffff) {
      throw new MediaError('E_MEDIA_UNSUPPORTED', `Join gap of ${duration} ticks cannot be written as a sample duration`, {
        hint: 'Use --gaps close or split the output at the gap.',
      });
    }
    this.durations.set(unit, duration);
  }

  output(st: TrackState, trackId: number, movieTimescale: number): OutputTrack {
    const n = this.sizes.length;
    const durations = this.durations.view();
    const counts = this.counts?.view() ?? null;
    const cts = this.cts?.view() ?? null;
    let dts = 0;
    let minCts = Number.POSITIVE_INFINITY;
    let presentationEnd = 0;
    for (let i = 0; i < n; i++) {
      const span = (durations[i] ?? 0) * (counts?.[i] ?? 1);
      const c = dts + (cts?.[i] ?? 0);
      if (c < minCts) minCts = c;
      if (c + span > presentationEnd) presentationEnd = c + span;
      dts += span;
    }
    const edits = outputEdits({
      timescale: st.timescale,
      movieTimescale,
      firstDts: st.rawOrigin ?? 0,
      minCts: n > 0 ? minCts : 0,
      presentationEnd,
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
      sizes: this.sizes.view(),
      durations,
      sampleCounts: counts ?? (st.constantSampleSize > 0 ? new Uint32Array(n).fill(1) : null),
      ctsOffsets: cts,
      sync: this.hasSync ? this.sync.view() : null,
      entryIndex: this.entries.view(),
      chunkOffsets: this.chunkOffsets.view(),
      chunkUnitCounts: this.chunkUnits.view(),
      edits: edits.edits,
      mediaDuration: dts,
      movieDuration: edits.movieDuration,
    };
  }
}

function backfilled<T extends Uint32Array | Int32Array>(make: new (length: number) => T, length: number, value: number): Growable<T> {
  const g = new Growable(make, Math.max(1024, length * 2));
  for (let i = 0; i < length; i++) g.push(value);
  return g;
}
