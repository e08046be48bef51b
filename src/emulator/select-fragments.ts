import type { EmulatedStream, SelectorType, StreamFragment } from './emulated-stream.js';

export type FragmentQuery = {
  readonly selector: SelectorType;
  /** Inclusive bounds on the fragment's start (docs/planning.md, "Cutting parts": Start ≤ fragmentStart ≤ End). */
  readonly startMs: number;
  readonly endMs: number;
  /** Emulator clock: fragments not yet ingested (server start after now) or past retention are invisible. */
  readonly nowMs: number;
  /** Resume from this slot (a ListFragments NextToken); defaults to the first slot at or after startMs. */
  readonly fromSlot?: number;
};

/** The first slot whose start by `selector` is ≥ `ms` (slotCount when none): a binary search, no listing. */
export function firstSlotAtOrAfter(stream: EmulatedStream, selector: SelectorType, ms: number): number {
  let low = 0;
  let high = stream.slotCount;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (stream.slotTime(mid, selector) < ms) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Lazily yields the visible fragments of a range in ingestion order. Visible = ingested by `nowMs` (server time)
 * and still inside retention (server time ≥ now − retention); offline slots are skipped.
 * Use it for ListFragments pages and GetClip selection; stop iterating early to bound work.
 */
export function* selectFragments(stream: EmulatedStream, query: FragmentQuery): Generator<StreamFragment> {
  const retentionMs = stream.description.retentionHours * 3_600_000;
  const oldestMs = query.nowMs - retentionMs;
  let slot = Math.max(query.fromSlot ?? 0, firstSlotAtOrAfter(stream, query.selector, query.startMs));
  for (; slot < stream.slotCount; slot += 1) {
    if (stream.slotTime(slot, query.selector) > query.endMs) return;
    const fragment = stream.fragmentAt(slot);
    if (fragment === undefined) continue;
    if (fragment.serverMs > query.nowMs) return;
    if (fragment.serverMs < oldestMs) continue;
    yield fragment;
  }
}
