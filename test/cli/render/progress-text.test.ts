import { describe, expect, it } from 'vitest';
import { barLine, progressLine, shownPercent, type ProgressState } from '../../../src/cli/render/progress-text.js';

const state = (fields: Partial<ProgressState>): ProgressState => ({
  bytes: 0,
  plannedBytes: 1000,
  partsDone: 0,
  parts: 2,
  mediaDoneMs: 0,
  mediaTotalMs: 60_000,
  ...fields,
});

describe('shownPercent', () => {
  it('shows the floor of the byte fraction while parts are still arriving', () => {
    expect(shownPercent(state({ bytes: 0 }))).toBe(0);
    expect(shownPercent(state({ bytes: 455 }))).toBe(45);
    expect(shownPercent(state({ bytes: 989 }))).toBe(98);
  });

  it('stops at 99 % while a part is still arriving, even when the bytes pass the listed size', () => {
    expect(shownPercent(state({ bytes: 1000, partsDone: 1 }))).toBe(99);
    expect(shownPercent(state({ bytes: 1045, partsDone: 1 }))).toBe(99);
    expect(shownPercent(state({ bytes: 5000 }))).toBe(99);
  });

  it('shows 100 % once every part is done, also when the listing over-estimated the bytes', () => {
    expect(shownPercent(state({ bytes: 1045, partsDone: 2 }))).toBe(100);
    expect(shownPercent(state({ bytes: 900, partsDone: 2 }))).toBe(100);
  });

  it('shows 0 % before the plan is known', () => {
    expect(shownPercent(state({ bytes: 10, plannedBytes: 0, parts: 0 }))).toBe(0);
  });
});

describe('the progress line and bar', () => {
  it('print the capped percent while the last part is still arriving', () => {
    const over = state({ bytes: 1045, partsDone: 1 });
    expect(progressLine(over, 1000)).toMatch(/^Progress 99% /);
    expect(barLine(over, 1000, 120)).toMatch(/ 99% /);
    expect(progressLine(state({ bytes: 1045, partsDone: 2 }), 1000)).toMatch(/^Progress 100% /);
  });
});
