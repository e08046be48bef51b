/**
 * V8's `--optimize-for-size` for a paced `get` of small bodies (docs/pipeline.md, "Garbage collection").
 *
 * After each mark-compact V8 lets the old generation grow by at least 8 MB (times a factor of 1.1 or more) before
 * the next one; optimizing for size, by 2 MB and a factor of 1.1. A long run of small bodies (4.5 MB each at 2×)
 * holds a day's listing, the parts in flight and the SDK's garbage of each call: with the 8 MB step the old
 * generation swings between ≈ 13 and ≈ 21 MB, and the dead Buffers counted against that limit (external memory since
 * the last mark-compact) wait as long; a 10 min run never reaches its first mark-compact. V8 reads the flag whenever
 * it computes the limit (`Heap::ShouldOptimizeForMemoryUsage`), so `v8.setFlagsFromString` sets and clears it while
 * running. Bursts (src/runtime/heap-headroom.ts, `BURST_BYTES`) clear it: a mark-compact every 2 MB of a 95 MB body
 * is the CPU cost figure 1 measures. Unpaced runs leave it alone: a 24 h get of 2× video `--no-pacing` peaked about
 * 29 MB lower with it, but spent twice the CPU (107 instead of 13-16 mark-compacts).
 */
import { setFlagsFromString } from 'node:v8';

let on = false;

/** Sets or clears `--optimize-for-size` (idempotent). Never throws. */
export function optimizeForSize(wanted: boolean): void {
  if (on === wanted) return;
  on = wanted;
  setFlagsFromString(wanted ? '--optimize-for-size' : '--no-optimize-for-size');
}
