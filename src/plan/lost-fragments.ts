import type { Selector } from './fragment.js';
import { numberAt, pickRows, startAt, type FragmentTable } from './fragment-table.js';

/** Fragments a part was planned with that a later listing of its range no longer holds, and the media span they had. */
export type LostFragments = {
  readonly count: number;
  /** Start of the first lost fragment and end of the last (by the selector's timestamps); 0 when none is lost. */
  readonly startMs: number;
  readonly endMs: number;
};

/**
 * Which of `planned` (a part's fragments, in play order) `listed` (the part's range listed again) no longer holds:
 * fragments that aged out of the stream's retention while the run went on (docs/planning.md, "Retention edge").
 */
export function lostFragments(planned: FragmentTable, listed: FragmentTable, selector: Selector): LostFragments {
  const still = new Set<string>();
  for (let i = 0; i < listed.length; i++) still.add(numberAt(listed, i));
  const rows: number[] = [];
  for (let i = 0; i < planned.length; i++) if (!still.has(numberAt(planned, i))) rows.push(i);
  if (rows.length === 0) return { count: 0, startMs: 0, endMs: 0 };
  const lost = pickRows(planned, rows);
  const last = lost.length - 1;
  return {
    count: lost.length,
    startMs: startAt(lost, 0, selector),
    endMs: startAt(lost, last, selector) + (lost.durationMs[last] ?? 0),
  };
}
