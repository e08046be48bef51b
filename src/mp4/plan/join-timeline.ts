/**
 * Places parts on one output timeline (docs/joiner.md, "Anchors and the timeline" / "Codec-configuration changes"):
 * anchoring, snapping, gap and overlap policy, sample-entry merging and join-mismatch checks. Pure; shared by the
 * progressive plan and the fragmented writer. The arithmetic lives in `timeline.ts`, the per-part arrays in
 * `part-units.ts`.
 *
 * Longer than 300 lines: `Timeline` is one class whose methods share the per-track state (`TrackState`: origin,
 * previous end, sample entries, samples so far) that anchoring, snapping and entry merging all update; the arithmetic
 * and the per-part arrays already live outside it.
 */
import { InternalError } from '../../errors/internal-error.js';
import { MediaError } from '../../errors/media-error.js';
import type { Clip, SampleEntry, Track } from '../model.js';
import { dropBefore, preparePartUnits, unitSpan, type PartUnits } from './part-units.js';
import { rescale } from '../rescale.js';
import {
  anchorBase,
  classifyStart,
  provisionalLastDuration,
  readPartEdit,
  snapTolerance,
  ticksToMs,
} from './timeline.js';

export type GapPolicy = 'keep' | 'close';

export type JoinGap = {
  /** Output time where the gap starts, ms from the start of the output. */
  readonly atMs: number;
  readonly durationMs: number;
};

export type PlanPart = { readonly clip: Clip; readonly name: string; readonly startMs?: number };

/** The samples one part contributes, after anchoring, in the output's timescales. */
export type PlacedTrack = Pick<PartUnits, 'durations' | 'counts' | 'cts' | 'sizes' | 'offsets' | 'sync'> & {
  readonly trackIndex: number;
  /** Output decode time of each unit. */
  readonly dts: Float64Array;
  /** Output sample-entry index per unit. */
  readonly entryIndex: Uint8Array;
};

export type PlacedPart = {
  readonly tracks: readonly PlacedTrack[];
  readonly gap: JoinGap | null;
};

/** Per output track: where the timeline stands after the parts placed so far. */
export type TrackState = {
  readonly kind: Track['kind'];
  readonly timescale: number;
  readonly constantSampleSize: number;
  readonly codec: SampleEntry['codec'];
  readonly nalLengthSize: number | undefined;
  readonly source: Track;
  readonly entries: SampleEntry[];
  rawOrigin: number | null;
  lastRaw: number;
  prevEnd: number;
  lastEntry: number;
  /** Samples placed so far (all parts). */
  samples: number;
};
/**
 * Places parts on one timeline (anchoring, snapping, gap and overlap policy, sample-entry merging). Used by
 * `JoinPlan` (progressive) and the fragmented writer. Throws `MediaError('E_JOIN_MISMATCH')` when a part cannot be
 * joined to the previous one (different track layout, codec or NAL length size), naming both parts.
 */
export class Timeline {
  readonly gaps: JoinGap[] = [];
  configChanges = 0;
  parts = 0;
  private tracks: TrackState[] = [];
  private movieTimescale = 1000;
  private lead = 0;
  private anchorTimescale = 1;
  private firstStartMs: number | null = null;
  private nextAnchor = 0n;
  /** Total shift applied by closed gaps and pushed overlaps: KVS start times are moved by it too. */
  private shifted = 0n;
  private previousName = '';
  private readonly policy: GapPolicy;

  /** The KVS start of the first part placed (epoch ms), when that part had one: the output's wall-clock origin. */
  get startMs(): number | undefined {
    return this.firstStartMs ?? undefined;
  }

  constructor(options: { readonly gaps: GapPolicy }) {
    this.policy = options.gaps;
  }

  get state(): readonly TrackState[] {
    return this.tracks;
  }

  get timescale(): number {
    return this.movieTimescale;
  }

  /** Places `part` after the previous ones. */
  place(part: PlanPart): PlacedPart {
    const clip = part.clip;
    if (this.parts === 0) this.start(clip, part.name);
    else this.checkLayout(clip, part.name);
    const noEdit = noEditMediaTimes(clip);
    const edits = clip.tracks.map((t, i) => readPartEdit(t, part.name, noEdit[i] ?? 0));
    const units = clip.tracks.map((t, i) =>
      preparePartUnits(t, this.trackState(i).timescale, edits[i]?.mediaTime ?? 0, part.name),
    );
    let anchor = this.anchorFor(part);
    const bases = clip.tracks.map((_t, i) =>
      this.base(anchor, edits[i]?.emptyMovie ?? 0, clip.movieTimescale, i, units[i]),
    );
    let gap: JoinGap | null = null;
    if (this.parts > 0) {
      const leadShift = this.leadShift(bases, units);
      if (leadShift.gap !== null) gap = leadShift.gap;
      if (leadShift.shift !== 0) {
        anchor -= BigInt(leadShift.shift);
        this.shifted += BigInt(leadShift.shift);
        bases.forEach(
          (b, i) => (bases[i] = b - rescale(leadShift.shift, this.anchorTimescale, this.trackState(i).timescale)),
        );
      }
      units.forEach((u, i) => {
        const snapped = this.settleStart(i, u, bases[i] ?? 0);
        bases[i] = snapped;
      });
      const leadUnits = units[this.lead];
      const leadBase = bases[this.lead];
      if (leadUnits !== undefined && leadBase !== undefined) {
        anchor =
          BigInt(leadBase + leadUnits.mediaTime) -
          BigInt(this.empty(edits[this.lead]?.emptyMovie ?? 0, clip.movieTimescale));
      }
    }
    const leadUnits = units[this.lead];
    const leadEdit = edits[this.lead];
    this.nextAnchor =
      anchor + BigInt(this.empty(leadEdit?.emptyMovie ?? 0, clip.movieTimescale)) + BigInt(leadUnits?.totalSpan ?? 0);
    if (gap !== null) this.gaps.push(gap);
    const placed = units.map((u, i) => this.emit(i, u, bases[i] ?? 0, clip.tracks[i], part.name));
    this.parts++;
    this.previousName = part.name;
    return { tracks: placed, gap };
  }

  private trackState(i: number): TrackState {
    const t = this.tracks[i];
    if (t === undefined) throw new InternalError(`no output track ${i}`);
    return t;
  }

  private start(clip: Clip, name: string): void {
    if (clip.tracks.length === 0) throw new MediaError('E_MP4_PARSE', `${name} has no audio or video track`);
    this.movieTimescale = clip.movieTimescale;
    this.tracks = clip.tracks.map((t) => {
      const first = t.entries[0];
      if (first === undefined) throw new MediaError('E_MP4_PARSE', `${name} track ${t.trackId} has no sample entry`);
      return {
        kind: t.kind,
        timescale: t.timescale,
        constantSampleSize: t.samples.constantSampleSize,
        codec: first.codec,
        nalLengthSize: first.nalLengthSize,
        source: t,
        entries: [],
        rawOrigin: null,
        lastRaw: 0,
        prevEnd: 0,
        lastEntry: -1,
        samples: 0,
      };
    });
    this.lead = Math.max(
      0,
      clip.tracks.findIndex((t) => t.kind === 'video'),
    );
    this.anchorTimescale = this.trackState(this.lead).timescale;
  }

  private checkLayout(clip: Clip, name: string): void {
    const mismatch = (what: string): never => {
      throw new MediaError('E_JOIN_MISMATCH', `Cannot join ${this.previousName} and ${name}: ${what}`, {
        hint: 'Join them into separate files (--split-on-change).',
      });
    };
    const kinds = (tracks: readonly { kind: string }[]): string => tracks.map((t) => t.kind).join('+');
    if (kinds(clip.tracks) !== kinds(this.tracks)) mismatch(`tracks ${kinds(this.tracks)} vs ${kinds(clip.tracks)}`);
    clip.tracks.forEach((t, i) => {
      const st = this.trackState(i);
      for (const e of t.entries) {
        if (e.codec !== st.codec) mismatch(`${t.kind} codec ${st.codec} vs ${e.codec}`);
        if (e.nalLengthSize !== st.nalLengthSize) mismatch(`NAL length size ${st.nalLengthSize} vs ${e.nalLengthSize}`);
      }
      if (t.samples.constantSampleSize !== st.constantSampleSize) {
        mismatch(`constant sample size ${st.constantSampleSize} vs ${t.samples.constantSampleSize}`);
      }
    });
  }

  /** T_i in the anchor timescale: from the KVS start when given, else where the previous part's video ended. */
  private anchorFor(part: PlanPart): bigint {
    if (this.parts === 0) {
      this.firstStartMs = part.startMs ?? null;
      return 0n;
    }
    if (part.startMs !== undefined && this.firstStartMs !== null) {
      return BigInt(rescale(part.startMs - this.firstStartMs, 1000, this.anchorTimescale)) - this.shifted;
    }
    return this.nextAnchor;
  }

  private empty(emptyMovie: number, clipMovieTimescale: number): number {
    return rescale(emptyMovie, clipMovieTimescale, this.anchorTimescale);
  }

  private base(
    anchor: bigint,
    emptyMovie: number,
    clipMovieTimescale: number,
    i: number,
    units: PartUnits | undefined,
  ): number {
    return anchorBase({
      anchor,
      anchorTimescale: this.anchorTimescale,
      emptyMovie,
      movieTimescale: clipMovieTimescale,
      timescale: this.trackState(i).timescale,
      mediaTime: units?.mediaTime ?? 0,
    });
  }

  private tolerance(i: number, units: PartUnits): number {
    const st = this.trackState(i);
    return snapTolerance(st.timescale, units.durations[units.first] ?? 0, this.movieTimescale);
  }

  /** Gap or overlap of the lead (video) track: the whole part moves (close / never reorder), or the gap is kept. */
  private leadShift(bases: readonly number[], units: readonly PartUnits[]): { shift: number; gap: JoinGap | null } {
    const u = units[this.lead];
    const st = this.trackState(this.lead);
    if (u === undefined || u.sizes.length === 0) return { shift: 0, gap: null };
    const delta = (bases[this.lead] ?? 0) + (u.dts[0] ?? 0) - st.prevEnd;
    const decision = classifyStart(delta, this.tolerance(this.lead, u));
    if (decision.kind === 'overlap') return { shift: delta, gap: null };
    if (decision.kind !== 'gap') return { shift: 0, gap: null };
    const gap = {
      atMs: ticksToMs(st.prevEnd - (st.rawOrigin ?? 0), st.timescale),
      durationMs: ticksToMs(delta, st.timescale),
    };
    return { shift: this.policy === 'close' ? delta : 0, gap };
  }

  /** Snaps, trims (audio overlap) or keeps a gap for one track; returns the settled base. */
  private settleStart(i: number, units: PartUnits, base: number): number {
    const st = this.trackState(i);
    if (units.sizes.length === 0 || st.rawOrigin === null) return base;
    const tol = this.tolerance(i, units);
    let decision = classifyStart(base + (units.dts[0] ?? 0) - st.prevEnd, tol);
    if (decision.kind === 'overlap' && i !== this.lead) {
      const pcm = st.constantSampleSize > 0;
      dropBefore(units, base, pcm ? st.prevEnd : st.prevEnd - tol, st.constantSampleSize);
      if (units.first >= units.sizes.length) return base;
      decision = classifyStart(base + (units.dts[units.first] ?? 0) - st.prevEnd, tol);
    }
    if (decision.kind === 'snap') return base - decision.delta;
    if (decision.kind === 'overlap') return base - decision.delta;
    return base;
  }

  private emit(i: number, u: PartUnits, base: number, track: Track | undefined, name: string): PlacedTrack {
    const st = this.trackState(i);
    const map = (track?.entries ?? []).map((e) => this.entryIndexFor(st, e, name));
    const n = u.sizes.length - u.first;
    const dts = new Float64Array(n);
    const entryIndex = new Uint8Array(n);
    const durations = u.durations.slice(u.first);
    for (let k = 0; k < n; k++) {
      const src = u.first + k;
      const raw = base + (u.dts[src] ?? 0);
      if (st.rawOrigin === null) st.rawOrigin = raw;
      dts[k] = raw - st.rawOrigin;
      const entry = map[u.entryIndex[src] ?? 0] ?? 0;
      if (st.lastEntry !== -1 && entry !== st.lastEntry) this.configChanges++;
      st.lastEntry = entry;
      entryIndex[k] = entry;
      st.samples += u.counts === null ? 1 : (u.counts[src] ?? 1);
    }
    if (n > 0) {
      const last = n - 1;
      const lastRaw = (dts[last] ?? 0) + (st.rawOrigin ?? 0);
      if (st.constantSampleSize > 0) {
        st.prevEnd = lastRaw + unitSpan(u, u.first + last);
      } else {
        const own = durations[last] ?? 0;
        const dur = provisionalLastDuration(own, last > 0 ? durations[last - 1] : undefined);
        durations[last] = dur;
        st.prevEnd = lastRaw + dur;
      }
      st.lastRaw = lastRaw;
    }
    return {
      trackIndex: i,
      dts,
      durations,
      counts: u.counts === null ? null : u.counts.slice(u.first),
      cts: u.cts === null ? null : u.cts.slice(u.first),
      sizes: u.sizes.slice(u.first),
      offsets: u.offsets.slice(u.first),
      sync: u.sync === null ? null : u.sync.slice(u.first),
      entryIndex,
    };
  }

  private entryIndexFor(st: TrackState, entry: SampleEntry, name: string): number {
    const found = st.entries.findIndex((e) => e.key === entry.key);
    if (found !== -1) return found;
    if (st.entries.length >= 255)
      throw new MediaError('E_JOIN_MISMATCH', `Too many codec configurations by ${name} (255)`);
    st.entries.push(entry);
    return st.entries.length - 1;
  }
}

/**
 * Without an edit list a fragmented clip's tracks start at their `tfdt`s (often producer time): measure them from
 * the clip's earliest start instead, so the part's tracks keep their relative offset. Progressive input starts at 0.
 */
function noEditMediaTimes(clip: Clip): number[] {
  let best: { dts: number; timescale: number } | null = null;
  for (const t of clip.tracks) {
    if (best === null || BigInt(t.firstDts) * BigInt(best.timescale) < BigInt(best.dts) * BigInt(t.timescale)) {
      best = { dts: t.firstDts, timescale: t.timescale };
    }
  }
  return clip.tracks.map((t) => (best === null ? 0 : rescale(best.dts, best.timescale, t.timescale)));
}
