import type { EmulatedStream, SelectorType, StreamFragment } from './emulated-stream.js';
import { selectFragments } from './select-fragments.js';

/** A range as tests state it: inclusive fragment-start bounds by one selector's clock. */
export type FragmentRange = { readonly selector?: SelectorType; readonly startMs: number; readonly endMs: number };

/**
 * The visible fragments of a range in ingestion order, listed in-process (no HTTP, no quotas, no page limit).
 * Tests use it to predict what ListFragments and GetClip must return. Materialises the list: keep ranges modest.
 */
export function listStreamFragments(stream: EmulatedStream, range: FragmentRange, nowMs: number): StreamFragment[] {
  return [
    ...selectFragments(stream, {
      selector: range.selector ?? 'PRODUCER_TIMESTAMP',
      startMs: range.startMs,
      endMs: range.endMs,
      nowMs,
    }),
  ];
}
