/**
 * Output chunking (docs/joiner.md, "Rewrite, not concatenation"): each track's units are cut into chunks of at most
 * about one second, then the chunks of all tracks are interleaved by start time so a player reading the file front to
 * back finds audio and video close together.
 */

/** One track's units as the chunker needs them. */
export type ChunkInput = {
  readonly timescale: number;
  /** Decode time of each unit (any origin shared by the track), media timescale. */
  readonly dts: ArrayLike<number>;
  /** Time covered by each unit (duration × samples), media timescale. */
  readonly spans: ArrayLike<number>;
  /** Sample entry per unit: a chunk never mixes entries (stsc expresses one entry per chunk). */
  readonly entryIndex: ArrayLike<number>;
  /** 1 = sync per unit, or null; with `breakAtSync` a sync unit always starts a chunk. */
  readonly sync: ArrayLike<number> | null;
};

export type PlannedChunk = {
  /** Index into the input tracks. */
  readonly track: number;
  readonly firstUnit: number;
  readonly unitCount: number;
  /** Decode time of the chunk's first unit in its track's timescale (the ordering key, compared across timescales). */
  readonly dts: number;
};

export type ChunkOptions = {
  /** Longest chunk, in milliseconds (default 1000). */
  readonly maxChunkMs?: number;
  /** Start a new chunk at every sync unit (fragment-per-GOP output). */
  readonly breakAtSync?: boolean;
};

/** Cuts every track into chunks and returns them in interleaved file order (ties: lower track index first). */
export function planChunks(tracks: readonly ChunkInput[], options: ChunkOptions = {}): PlannedChunk[] {
  const maxMs = options.maxChunkMs ?? 1000;
  const all: PlannedChunk[] = [];
  tracks.forEach((t, track) => {
    const n = t.dts.length;
    const maxTicks = Math.max(1, Math.floor((t.timescale * maxMs) / 1000));
    let first = 0;
    let span = 0;
    for (let u = 0; u < n; u++) {
      const unitSpan = t.spans[u] ?? 0;
      const entryChanged = u > first && t.entryIndex[u] !== t.entryIndex[first];
      const syncCut = options.breakAtSync === true && u > first && t.sync !== null && t.sync[u] === 1;
      if (u > first && (entryChanged || syncCut || span + unitSpan > maxTicks)) {
        all.push({ track, firstUnit: first, unitCount: u - first, dts: t.dts[first] ?? 0 });
        first = u;
        span = 0;
      }
      span += unitSpan;
    }
    if (n > first) all.push({ track, firstUnit: first, unitCount: n - first, dts: t.dts[first] ?? 0 });
  });
  const scales = tracks.map((t) => BigInt(t.timescale));
  return all.sort((a, b) => {
    const left = BigInt(a.dts) * (scales[b.track] ?? 1n);
    const right = BigInt(b.dts) * (scales[a.track] ?? 1n);
    if (left !== right) return left < right ? -1 : 1;
    return a.track !== b.track ? a.track - b.track : a.firstUnit - b.firstUnit;
  });
}
