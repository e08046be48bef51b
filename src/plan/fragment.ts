/**
 * One archived fragment as ListFragments describes it, with instants in epoch milliseconds (docs/planning.md, "How KVS
 * selects fragments"). `fragmentNumber` is a decimal string of up to ~47 digits: compare it with BigInt, never Number.
 */
export type Fragment = {
  readonly fragmentNumber: string;
  readonly producerMs: number;
  readonly serverMs: number;
  readonly durationMs: number;
  readonly sizeBytes: number;
};

/** Which timestamp GetClip and ListFragments select by (`--timestamps server|producer`). */
export type Selector = 'server' | 'producer';

/** An inclusive time range in epoch ms, as GetClip and ListFragments select by fragment start. */
export type TimeRange = { readonly startMs: number; readonly endMs: number };

/**
 * The fragment's start under `selector`: the instant GetClip compares with its Start/End (docs/planning.md, "Cutting
 * parts": `Start ≤ fragmentStart ≤ End`). Use it wherever a fragment is placed in time.
 */
export function fragmentStartMs(fragment: Fragment, selector: Selector): number {
  return selector === 'server' ? fragment.serverMs : fragment.producerMs;
}
