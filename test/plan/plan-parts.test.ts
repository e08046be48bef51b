import { describe, expect, it } from 'vitest';
import type { Fragment, Selector } from '../../src/plan/fragment.js';
import { fragmentStartMs } from '../../src/plan/fragment.js';
import type { Plan } from '../../src/plan/plan-parts.js';
import { planParts } from '../../src/plan/plan-parts.js';
import { listingRange, type Align } from '../../src/plan/select-window.js';
import { rowsOf } from '../../src/plan/fragment-table.js';
import { sortFragments } from '../../src/plan/sort-fragments.js';
import { fragmentNumber, seededRandom, shuffled, steadyFragments, T0 } from './fragment-fixtures.js';
import { unpackNumbers } from '../../src/plan/fragment-numbers.js';

const HOUR = 3_600_000;

/**
 * What GetClip would return for a part: every listed fragment with Start ≤ start ≤ End (docs/planning.md, "Cutting
 * parts").
 */
function selectedBy(
  listing: readonly Fragment[],
  selector: Selector,
  range: { startMs: number; endMs: number },
): string[] {
  return rowsOf(sortFragments(listing, selector))
    .filter((f) => fragmentStartMs(f, selector) >= range.startMs && fragmentStartMs(f, selector) <= range.endMs)
    .map((f) => f.fragmentNumber);
}

function allNumbers(plan: Plan): string[] {
  return plan.parts.flatMap((part) => unpackNumbers(part.fragmentNumbers));
}

describe('planParts', () => {
  it('splits an hour of 1 s fragments into calls of at most 200 fragments', () => {
    const fragments = steadyFragments(3600, { durationMs: 1000, sizeBytes: 100_000 });
    const plan = planParts(fragments, {
      selector: 'server',
      window: { startMs: T0, endMs: T0 + HOUR - 1 },
      align: 'inside',
    });
    expect(plan.parts.map((p) => p.fragmentCount)).toEqual(Array.from({ length: 18 }, () => 200));
    expect(plan.fragmentCount).toBe(3600);
    expect(plan.gaps).toEqual([]);
  });

  it('splits by Σ FragmentSizeInBytes when the 95 MB budget binds before 200 fragments', () => {
    const fragments = steadyFragments(300, { sizeBytes: 4_000_000 });
    const plan = planParts(fragments, {
      selector: 'server',
      window: { startMs: T0, endMs: T0 + HOUR },
      align: 'inside',
    });
    expect(plan.parts.map((p) => p.fragmentCount)).toEqual([23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 23, 1]);
    expect(Math.max(...plan.parts.map((p) => p.sizeBytes))).toBeLessThanOrEqual(95_000_000);
  });

  it('honours a configured byte margin', () => {
    const fragments = steadyFragments(10, { sizeBytes: 10_000_000 });
    const plan = planParts(fragments, {
      selector: 'server',
      window: { startMs: T0, endMs: T0 + HOUR },
      align: 'inside',
      limits: { maxBytes: 30_000_000 },
    });
    expect(plan.parts.map((p) => p.fragmentCount)).toEqual([3, 3, 3, 1]);
  });

  it('gives a single fragment larger than the byte budget a part of its own', () => {
    const fragments = steadyFragments(3, { sizeBytes: 1_000_000 }).map((f, i) =>
      i === 1 ? { ...f, sizeBytes: 120_000_000 } : f,
    );
    const plan = planParts(fragments, {
      selector: 'server',
      window: { startMs: T0, endMs: T0 + HOUR },
      align: 'inside',
    });
    expect(plan.parts.map((p) => p.fragmentCount)).toEqual([1, 1, 1]);
  });

  it('keeps every call within 24 h when a 30 h range of sparse fragments fits the other caps', () => {
    const fragments = steadyFragments(31, { durationMs: HOUR, sizeBytes: 1000 });
    const plan = planParts(fragments, {
      selector: 'server',
      window: { startMs: T0, endMs: T0 + 30 * HOUR },
      align: 'inside',
      minGapMs: 10 * HOUR,
    });
    expect(plan.parts).toHaveLength(2);
    for (const part of plan.parts) expect(part.endMs - part.startMs).toBeLessThanOrEqual(24 * HOUR);
    expect(plan.parts[0]?.fragmentCount).toBe(25);
  });

  it('plans 30 hours of 1 s fragments with every call inside the 200-fragment and 24 h caps', () => {
    const fragments = steadyFragments(30 * 3600, { durationMs: 1000, sizeBytes: 200_000 });
    const plan = planParts(shuffled(fragments, seededRandom(11)), {
      selector: 'server',
      window: { startMs: T0, endMs: T0 + 30 * HOUR },
      align: 'cover',
    });
    expect(plan.parts).toHaveLength(540);
    expect(plan.parts.every((p) => p.fragmentCount === 200 && p.endMs - p.startMs < 24 * HOUR)).toBe(true);
    expect(allNumbers(plan)).toEqual(fragments.map((f) => f.fragmentNumber));
  });

  it('never lets a call span a gap and reports the gap between two parts', () => {
    const before = steadyFragments(10);
    const after = steadyFragments(10, { startMs: T0 + 60_000, firstNumber: 10 });
    const plan = planParts([...after, ...before], {
      selector: 'server',
      window: { startMs: T0, endMs: T0 + HOUR },
      align: 'inside',
    });
    expect(plan.parts.map((p) => p.fragmentCount)).toEqual([10, 10]);
    expect(plan.gaps).toEqual([{ startMs: T0 + 20_000, endMs: T0 + 60_000, durationMs: 40_000 }]);
    expect(plan.parts[1]?.startMs).toBe(T0 + 60_000);
    // The first part ends just before the second starts: a fragment arriving late inside the gap is still fetched once.
    expect(plan.parts[0]?.endMs).toBe(T0 + 60_000 - 1);
  });

  it('treats sub-second jitter between fragments as continuous media, not a gap', () => {
    const fragments = steadyFragments(5).map((f, i) => ({ ...f, serverMs: f.serverMs + i * 300 }));
    expect(
      planParts(fragments, { selector: 'server', window: { startMs: T0, endMs: T0 + HOUR }, align: 'inside' }).gaps,
    ).toEqual([]);
  });

  it('with align cover includes the fragment containing the window start; with inside it does not', () => {
    const fragments = steadyFragments(10);
    const window = { startMs: T0 + 5000, endMs: T0 + 10_000 };
    const cover = planParts(fragments, { selector: 'server', window, align: 'cover' });
    const inside = planParts(fragments, { selector: 'server', window, align: 'inside' });
    expect(cover.covered).toEqual({ startMs: T0 + 4000, endMs: T0 + 12_000 });
    expect(inside.covered).toEqual({ startMs: T0 + 6000, endMs: T0 + 12_000 });
    expect(cover.parts[0]?.startMs).toBe(T0 + 4000);
    expect(listingRange(window, 'cover').startMs).toBeLessThanOrEqual(T0 + 4000);
  });

  it('selects by producer timestamps when asked', () => {
    const fragments = steadyFragments(10);
    const plan = planParts(fragments, {
      selector: 'producer',
      window: { startMs: T0 - 11_000, endMs: T0 - 11_000 + 3999 },
      align: 'inside',
    });
    expect(unpackNumbers(plan.parts[0]!.fragmentNumbers)).toEqual([fragmentNumber(0), fragmentNumber(1)]);
  });

  it('keeps two fragments with the same millisecond in one part even when the fragment cap would split them', () => {
    const fragments = steadyFragments(4);
    const twin = { ...fragments[1]!, fragmentNumber: fragmentNumber(99) };
    const plan = planParts([...fragments, twin], {
      selector: 'server',
      window: { startMs: T0, endMs: T0 + HOUR },
      align: 'inside',
      limits: { maxFragments: 2 },
    });
    expect(plan.parts.map((p) => unpackNumbers(p.fragmentNumbers))).toEqual([
      [fragmentNumber(0)],
      [fragmentNumber(1), fragmentNumber(99)],
      [fragmentNumber(2), fragmentNumber(3)],
    ]);
  });

  it('gives a lone final fragment an End one millisecond after its Start, since GetClip needs End > Start', () => {
    const plan = planParts(steadyFragments(1), {
      selector: 'server',
      window: { startMs: T0, endMs: T0 + HOUR },
      align: 'inside',
    });
    expect(plan.parts).toEqual([
      expect.objectContaining({ startMs: T0, endMs: T0 + 1, fragmentCount: 1, mediaEndMs: T0 + 2000 }),
    ]);
  });

  it('returns an empty plan for a window without fragments', () => {
    const plan = planParts(steadyFragments(3), {
      selector: 'server',
      window: { startMs: T0 + HOUR, endMs: T0 + 2 * HOUR },
      align: 'cover',
    });
    expect(plan).toMatchObject({ parts: [], gaps: [], covered: null, fragmentCount: 0, sizeBytes: 0 });
  });

  it('fetches every fragment exactly once and nothing else, over seeded random listings', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = seededRandom(seed);
      const selector: Selector = random() < 0.5 ? 'server' : 'producer';
      const align: Align = random() < 0.5 ? 'cover' : 'inside';
      const listing: Fragment[] = [];
      let serverMs = T0;
      let skewMs = -11_000;
      for (let i = 0; i < 20 + Math.floor(random() * 400); i++) {
        const durationMs = 1 + Math.floor(random() * 4000);
        const roll = random();
        // Mostly back to back, sometimes a gap, sometimes a twin in the same millisecond or a 1 ms neighbour.
        const stepMs =
          roll < 0.05
            ? 0
            : roll < 0.08
              ? 1
              : roll < 0.15
                ? durationMs + 5000 + Math.floor(random() * 60_000)
                : durationMs;
        serverMs += stepMs;
        skewMs += Math.floor((random() - 0.5) * 400);
        listing.push({
          fragmentNumber: fragmentNumber(i),
          serverMs,
          producerMs: serverMs + skewMs,
          durationMs,
          sizeBytes: 1 + Math.floor(random() * 1000),
        });
      }
      const spanMs = serverMs - T0;
      const window = {
        startMs: T0 + Math.floor(random() * spanMs * 0.3),
        endMs: T0 + Math.floor(spanMs * (0.6 + random() * 0.5)),
      };
      const limits = {
        maxFragments: 1 + Math.floor(random() * 12),
        maxBytes: 500 + Math.floor(random() * 5000),
        maxSpanMs: 2000 + Math.floor(random() * 60_000),
      };
      const pages = shuffled([...listing, ...listing.slice(0, 5)], random);
      const plan = planParts(pages, { selector, window, align, limits });
      const sortedListing = rowsOf(sortFragments(listing, selector));
      const containing = sortedListing.filter(
        (f) =>
          fragmentStartMs(f, selector) < window.startMs && fragmentStartMs(f, selector) + f.durationMs > window.startMs,
      );
      const fromMs =
        align === 'cover' && containing[0] !== undefined ? fragmentStartMs(containing[0], selector) : window.startMs;
      const expected = sortedListing.filter(
        (f) => fragmentStartMs(f, selector) >= fromMs && fragmentStartMs(f, selector) <= window.endMs,
      );
      const context = `seed ${seed}`;
      expect(allNumbers(plan), context).toEqual(expected.map((f) => f.fragmentNumber));
      for (const part of plan.parts) {
        expect(selectedBy(listing, selector, part), `${context} part ${part.index}`).toEqual(
          unpackNumbers(part.fragmentNumbers),
        );
        expect(part.endMs, context).toBeGreaterThan(part.startMs);
        expect(part.endMs - part.startMs, context).toBeLessThanOrEqual(limits.maxSpanMs);
        const oversize =
          part.fragmentCount > limits.maxFragments || (part.fragmentCount > 1 && part.sizeBytes > limits.maxBytes);
        if (oversize) {
          // Allowed only when no boundary inside the part could separate its fragments (same or adjacent ms).
          const starts = sortedListing
            .filter((f) => unpackNumbers(part.fragmentNumbers).includes(f.fragmentNumber))
            .map((f) => fragmentStartMs(f, selector));
          const separable = starts.some((s, k) => k > 0 && s > (starts[k - 1] ?? s) && s - 1 > (starts[0] ?? s));
          expect(separable, `${context} part ${part.index} over the limits`).toBe(false);
        }
      }
      for (const gap of plan.gaps)
        expect(
          plan.parts.some((p) => p.startMs === gap.endMs),
          `${context} gap at seam`,
        ).toBe(true);
    }
  });
});
