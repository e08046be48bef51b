/**
 * Keeps V8's old-generation limit far enough above the live heap that the Buffers of a body in transit do not force
 * full (mark-compact) collections (docs/pipeline.md, "Garbage collection"): a download's socket Buffers
 * (src/download/fetch-parts.ts) and the emulator's body chunks (src/emulator/send-body.ts).
 *
 * Every GetClip body chunk a client receives is a fresh 64 KB ArrayBuffer from Node's HTTP parser. It dies at once
 * (part-body.ts copies it into a recycled block), but its memory is freed only by the next collection, and V8 counts
 * the external memory allocated since the last mark-compact against the old generation's limit. Left alone, that
 * limit is the live heap (≈ 12 MB for a `get`) times a factor V8 picks from how fast the program allocates on its own
 * heap, which for a download is low (≈ 1.4): ~5 MB of such Buffers already start a mark-compact, long before the
 * ~32 MB of young Buffers at which V8 runs a cheap scavenge that frees them. A 1 h get of 100× video made 27-99
 * mark-compacts this way (the raw client, whose limit was never lowered, none), and the emulator serving it ~45.
 * With the limit at least `HEADROOM_BYTES` above the live heap, the scavenges free the Buffers first; only large
 * bodies (`BURST_BYTES`) get it.
 *
 * V8 reads `--heap-growing-percent` whenever it recomputes the limit (after each mark-compact), so it can be set
 * while running, unlike `--initial-old-space-size`, which only node's command line can give.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { optimizeForSize } from './optimize-for-size.js';
import { keepYoungGenerationSmall, letYoungGenerationGrow } from './young-generation.js';

/**
 * How far the old-generation limit should stay above the live heap: V8's young-Buffer scavenge trigger (32 MB) and
 * half again. 36 MB (300 % at 12 MB) still let 4 mark-compacts through in a 1 h get, 48 and 64 MB 2; each MB is old
 * garbage a busy process may keep before it collects (a 20-stream archive peaked ~25 MB higher with either).
 */
export const HEADROOM_BYTES = 48 * 1024 * 1024;

/**
 * Bodies at least this large are bursts that cross V8's young-Buffer scavenge trigger on their own (100× video: 95 MB
 * per part); only they get the headroom. Smaller ones (2× video: 4.5 MB) arrive paced or in a trickle, where a
 * mark-compact per body costs little CPU and the old garbage the headroom lets stay would cost memory: a paced 24 h
 * get of 2× video peaked at 165 MB with it, 150 MB without (bench figure 3).
 */
export const BURST_BYTES = 32 * 1024 * 1024;

/** The growth percent last set (0: V8's own choice, the default), so the flag is set only when it changes. */
let current = 0;

/** False once a paced run has left the old generation's growth to V8 ({@link leaveHeapGrowthToV8}). */
let enabled = true;

/** True once a paced `get` chose its collection ({@link collectForGet}): then V8's size mode follows the body size. */
let sizeFollowsBodies = false;

/** True once an unpaced `get` chose its collection: then the young generation follows the body size too. */
let youngFollowsBodies = false;

/**
 * Turns {@link keepHeapHeadroom} off for the rest of the process: a paced `get` waits for the quota most of the time,
 * so the mark-compacts the headroom saves cost it little, while the dead Buffers the headroom lets pile up are what a
 * long run's memory is made of (docs/pipeline.md, "Garbage collection"; src/runtime/young-generation.ts).
 */
export function leaveHeapGrowthToV8(): void {
  enabled = false;
}

/**
 * The garbage collection of a `get` before its first part: small young generation (src/runtime/young-generation.ts);
 * for a paced run also V8 optimizing for size (src/runtime/optimize-for-size.ts), the old generation's growth left to
 * V8 for good and the small young generation whatever its bodies (the headroom and V8's young-generation growth are
 * for unpaced bursts, where CPU is the limit). Each part's {@link keepHeapHeadroom} then clears a paced run's size
 * mode for a burst and sets it again for a small body.
 */
export function collectForGet(options: { readonly paced: boolean }): void {
  keepYoungGenerationSmall();
  if (options.paced) {
    optimizeForSize(true);
    sizeFollowsBodies = true;
    leaveHeapGrowthToV8();
  } else youngFollowsBodies = true;
}

/**
 * The `--heap-growing-percent` that puts the limit `HEADROOM_BYTES` above `liveBytes` of old generation for a body
 * of `bodyBytes`, or 0 (V8's own factor): for a body below `BURST_BYTES`, and once the heap is large enough that even
 * V8's smallest factor (1.1) leaves that much room.
 */
export function growingPercentFor(liveBytes: number, bodyBytes: number): number {
  if (bodyBytes < BURST_BYTES || liveBytes * 0.1 >= HEADROOM_BYTES) return 0;
  return Math.ceil((100 * HEADROOM_BYTES) / Math.max(liveBytes, 1024 * 1024));
}

/**
 * Sets the growth percent for the old generation as it is now, and in a `get` V8's size mode and the young
 * generation's growth, for a body of about `bodyBytes`; call when a body starts. Never throws.
 */
export function keepHeapHeadroom(bodyBytes: number): void {
  if (sizeFollowsBodies) optimizeForSize(bodyBytes < BURST_BYTES);
  if (!enabled) return;
  // An unpaced get's burst also gets V8's own young-generation growth back, its small bodies keep the small one
  // (young-generation.ts); the emulator leaves its young generation to V8.
  if (youngFollowsBodies) {
    if (bodyBytes >= BURST_BYTES) letYoungGenerationGrow();
    else keepYoungGenerationSmall();
  }
  let live = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (!space.space_name.startsWith('new_')) live += space.space_used_size;
  }
  const percent = growingPercentFor(live, bodyBytes);
  if (percent === current) return;
  current = percent;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
