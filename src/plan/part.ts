import type { FragmentNumbers } from './fragment-numbers.js';

/**
 * One planned GetClip call. `startMs`/`endMs` are the request's StartTimestamp/EndTimestamp (both inclusive, compared
 * with fragment starts), chosen so that `startMs ≤ fragmentStart ≤ endMs` selects exactly `fragmentNumbers` from the
 * listed fragments and nothing any other part selects.
 */
export type Part = {
  /** 0-based position in the plan (display as `index + 1` of `parts.length`). */
  readonly index: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly firstFragmentNumber: string;
  readonly lastFragmentNumber: string;
  readonly fragmentCount: number;
  /** Σ FragmentSizeInBytes: the MP4 body is somewhat larger (container overhead). */
  readonly sizeBytes: number;
  /** Start of the first fragment. */
  readonly mediaStartMs: number;
  /** Latest fragment end (start + length) in the part. */
  readonly mediaEndMs: number;
  /** Σ fragment lengths: what a complete response's media duration should be close to. */
  readonly mediaDurationMs: number;
  /**
   * The fragments in play order, for truncation checks and resume manifests: a view of the listing's digit columns,
   * not a string each (a day's plan holds 43 200; docs/planning.md, "Fragments in columns").
   */
  readonly fragmentNumbers: FragmentNumbers;
};
