/** A stretch of the window that holds footage, `[startMs, endMs)`. */
export type CoveredSpan = { readonly startMs: number; readonly endMs: number };

/** Bucket characters: all footage, some footage, none. */
const FULL = '█';
const PARTIAL = '▒';
const EMPTY = '·';

/**
 * `kvs-clip list --chart`: the window as one line of `width` buckets (at least 10), each showing whether its slice
 * of time holds footage (█), some footage (▒) or none (·), framed by `|`, with a legend line. `spans` are the
 * continuous media runs in any order; they may overlap the window's edges. Pure; never throws.
 */
export function renderCoverageBar(
  window: { startMs: number; endMs: number },
  options: { spans: readonly CoveredSpan[]; width: number },
): string {
  const width = Math.max(10, Math.floor(options.width));
  const spanMs = Math.max(1, window.endMs - window.startMs);
  let bar = '';
  for (let i = 0; i < width; i += 1) {
    const from = window.startMs + (spanMs * i) / width;
    const to = window.startMs + (spanMs * (i + 1)) / width;
    const covered = options.spans.reduce(
      (sum, span) => sum + Math.max(0, Math.min(to, span.endMs) - Math.max(from, span.startMs)),
      0,
    );
    const share = covered / (to - from);
    bar += share >= 0.999 ? FULL : share > 0.001 ? PARTIAL : EMPTY;
  }
  return `|${bar}|\n ${FULL} footage  ${PARTIAL} partly  ${EMPTY} gap\n`;
}

/** The bar width for a terminal of `columns` (the frame takes 2); 78 when the width is unknown. */
export function coverageBarWidth(columns: number | undefined): number {
  return columns === undefined || columns <= 0 ? 78 : Math.max(10, columns - 2);
}
