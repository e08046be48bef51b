/**
 * Frees the dead socket Buffers of body traffic on a byte budget (docs/pipeline.md, "Garbage collection"): after
 * every `BUDGET_BYTES` of body chunks consumed, one young-generation collection (a scavenge).
 *
 * Node's HTTP parser hands every body chunk over in a fresh ≈ 64 KB ArrayBuffer. Its JavaScript object is tiny, so
 * the young generation fills slowly, while the memory behind it is outside V8's heap: V8 scavenges for such Buffers
 * only once about 32 MB of them are waiting, and a long download keeps that much dead memory (plus what the
 * allocator keeps of it) for its whole run. A scavenge of a young generation holding little but dead Buffers costs
 * well under a millisecond; one per 8 MB of body is ~40 per GB.
 *
 * V8 exposes `gc()` only to contexts created after `--expose-gc` is set, so the collector is taken from a fresh
 * context once, on first use. Where that is refused (a runtime without the flag), the budget does nothing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Body bytes between two scavenges: a quarter of V8's own trigger for young external memory. */
export const BUDGET_BYTES = 8 * 1024 * 1024;

type Collector = (options: { type: 'minor' }) => void;

/** undefined: not looked for yet; null: unavailable here. */
let collector: Collector | null | undefined;
let owed = 0;

/** Counts `bytes` of body chunks that are dead once consumed; runs a scavenge whenever the budget is spent. */
export function spendBodyBytes(bytes: number): void {
  owed += bytes;
  if (owed < BUDGET_BYTES) return;
  owed = 0;
  youngCollector()?.({ type: 'minor' });
}

function youngCollector(): Collector | null {
  if (collector !== undefined) return collector;
  try {
    setFlagsFromString('--expose-gc');
    const found: unknown = runInNewContext('typeof gc === "function" ? gc : null');
    collector = typeof found === 'function' ? (found as Collector) : null;
  } catch {
    collector = null;
  }
  return collector;
}
