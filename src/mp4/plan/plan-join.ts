/**
 * The pure core of a progressive join (docs/joiner.md, "Layout: read / plan / write"): parts go in one at a time, each
 * answered with the byte pieces to copy (in output order); at the end, merged tables for `moov`. No I/O; the writers
 * execute the plan. State is a few bytes per sample (stsz entries and runs), never payload.
 */
import {
  Timeline,
  type GapPolicy,
  type JoinGap,
  type PlacedPart,
  type PlacedTrack,
  type PlanPart,
} from './join-timeline.js';
import type { OutputMovie } from './output-track.js';
import { planChunks, type PlannedChunk } from './plan-chunks.js';
import { ProgressiveTables } from './progressive-tables.js';
import type { TableSpill } from './table-spill.js';

/** Bytes to put in the output, in order: a range of the part's source, or literal bytes (in-band parameter sets). */
export type CopyPiece =
  | { readonly kind: 'source'; readonly offset: number; readonly length: number }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array };

/** Chunks a placed part for output (units in output decode order per track). */
export function chunkPart(placed: PlacedPart, timescales: readonly number[], breakAtSync: boolean): PlannedChunk[] {
  return planChunks(
    placed.tracks.map((t) => ({
      timescale: timescales[t.trackIndex] ?? 1,
      dts: t.dts,
      spans: spans(t),
      entryIndex: t.entryIndex,
      sync: t.sync,
    })),
    { breakAtSync },
  );
}

function spans(t: PlacedTrack): Float64Array {
  const out = new Float64Array(t.sizes.length);
  for (let i = 0; i < out.length; i++) out[i] = (t.durations[i] ?? 0) * (t.counts === null ? 1 : (t.counts[i] ?? 1));
  return out;
}

/** Appends a source range to `pieces`, merging it into the previous one when contiguous (sequential reads). */
export function pushRange(pieces: CopyPiece[], offset: number, length: number): void {
  if (length === 0) return;
  const last = pieces[pieces.length - 1];
  if (last !== undefined && last.kind === 'source' && last.offset + last.length === offset) {
    pieces[pieces.length - 1] = { kind: 'source', offset: last.offset, length: last.length + length };
  } else pieces.push({ kind: 'source', offset, length });
}
/** Merged, re-chunked tables of a progressive join. */
export class JoinPlan {
  readonly timeline: Timeline;
  private payload = 0;
  private tables: ProgressiveTables[] = [];
  private readonly spill: TableSpill | undefined;

  /** `spill`: where the tables' full blocks wait for the moov (docs/joiner.md, "Memory"); none: in memory. */
  constructor(options: { readonly gaps: GapPolicy; readonly spill?: TableSpill }) {
    this.timeline = new Timeline({ gaps: options.gaps });
    this.spill = options.spill;
  }

  /** Bytes of mdat payload planned so far. */
  get payloadBytes(): number {
    return this.payload;
  }

  /**
   * Adds a part; returns the pieces to copy, in order, right after the previous part's. Throws `MediaError` as
   * `Timeline.place` does.
   */
  append(part: PlanPart): { pieces: CopyPiece[]; gap: JoinGap | null } {
    const placed = this.timeline.place(part);
    if (this.tables.length === 0) this.tables = this.timeline.state.map(() => new ProgressiveTables(this.spill));
    placed.tracks.forEach((t) => this.tables[t.trackIndex]?.fixLastDuration(t, this.timeline.state[t.trackIndex]));
    const chunks = chunkPart(
      placed,
      this.timeline.state.map((s) => s.timescale),
      false,
    );
    const pieces: CopyPiece[] = [];
    for (const c of chunks) {
      const t = placed.tracks[c.track];
      const table = this.tables[c.track];
      if (t === undefined || table === undefined) continue;
      table.addChunk(this.payload, t.entryIndex[c.firstUnit] ?? 0);
      for (let u = c.firstUnit; u < c.firstUnit + c.unitCount; u++) {
        table.addUnit(t, u);
        const size = t.sizes[u] ?? 0;
        pushRange(pieces, t.offsets[u] ?? 0, size);
        this.payload += size;
      }
    }
    return { pieces, gap: placed.gap };
  }

  /** The merged movie, for `moov`. */
  movie(): OutputMovie {
    const tracks = this.timeline.state.map((st, i) =>
      (this.tables[i] ?? new ProgressiveTables()).output(st, i + 1, this.timeline.timescale),
    );
    const { startMs } = this.timeline;
    return { movieTimescale: this.timeline.timescale, tracks, ...(startMs === undefined ? {} : { startMs }) };
  }
}
