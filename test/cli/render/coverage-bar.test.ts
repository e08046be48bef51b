import { describe, expect, it } from 'vitest';
import { coverageBarWidth, renderCoverageBar } from '../../../src/cli/render/coverage-bar.js';

const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const MIN = 60_000;
// A 60-minute window with two gaps: 10:12-10:18 and 10:42:30-10:45 (not on a bucket edge at width 40).
const WINDOW = { startMs: T0, endMs: T0 + 60 * MIN };
const SPANS = [
  { startMs: T0 - MIN, endMs: T0 + 12 * MIN },
  { startMs: T0 + 18 * MIN, endMs: T0 + 42.5 * MIN },
  { startMs: T0 + 45 * MIN, endMs: T0 + 60 * MIN },
];

describe('renderCoverageBar', () => {
  it('draws a 60-minute window with two gaps in 40 buckets', () => {
    expect(renderCoverageBar(WINDOW, { spans: SPANS, width: 40 })).toBe(
      '|████████····████████████████▒·██████████|\n █ footage  ▒ partly  · gap\n',
    );
  });

  it('draws the same window in 120 buckets, each gap exactly its share of the width', () => {
    const out = renderCoverageBar(WINDOW, { spans: SPANS, width: 120 });
    expect(out).toBe(
      `|${'█'.repeat(24)}${'·'.repeat(12)}${'█'.repeat(49)}${'·'.repeat(5)}${'█'.repeat(30)}|\n █ footage  ▒ partly  · gap\n`,
    );
  });

  it('shows an empty window as all gap and a fully covered one as all footage', () => {
    expect(renderCoverageBar(WINDOW, { spans: [], width: 10 })).toMatch(/^\|·{10}\|/);
    expect(renderCoverageBar(WINDOW, { spans: [{ startMs: T0, endMs: T0 + 60 * MIN }], width: 10 })).toMatch(
      /^\|█{10}\|/,
    );
  });

  it('fits the terminal width, keeping at least 10 buckets', () => {
    expect(coverageBarWidth(120)).toBe(118);
    expect(coverageBarWidth(undefined)).toBe(78);
    expect(coverageBarWidth(5)).toBe(10);
  });
});
