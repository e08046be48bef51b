import { describe, expect, it } from 'vitest';
import { bisectPart } from '../../src/plan/bisect-part.js';
import { planParts } from '../../src/plan/plan-parts.js';
import { fragmentNumber, steadyFragments, T0 } from './fragment-fixtures.js';
import { unpackNumbers } from '../../src/plan/fragment-numbers.js';

const window = { startMs: T0, endMs: T0 + 3_600_000 };

describe('bisectPart', () => {
  it('splits a part rejected for a codec change into two halves that meet without overlap', () => {
    const fragments = steadyFragments(9);
    const [part] = planParts(fragments, { selector: 'server', window, align: 'inside' }).parts;
    const halves = bisectPart(part!, { fragments, selector: 'server' });
    expect(halves?.map((p) => p.fragmentCount)).toEqual([4, 5]);
    expect(halves?.[0].endMs).toBe((halves?.[1].startMs ?? 0) - 1);
    expect(halves?.[1].endMs).toBe(part!.endMs);
    expect(halves?.map((p) => p.index)).toEqual([0, 1]);
  });

  it('cannot bisect a one-fragment part: the caller reports a media error', () => {
    const fragments = steadyFragments(1);
    const [part] = planParts(fragments, { selector: 'server', window, align: 'inside' }).parts;
    expect(bisectPart(part!, { fragments, selector: 'server' })).toBeNull();
  });

  it('cannot bisect fragments that share one millisecond', () => {
    const [a] = steadyFragments(1);
    const fragments = [a!, { ...a!, fragmentNumber: fragmentNumber(5) }];
    const [part] = planParts(fragments, { selector: 'server', window, align: 'inside' }).parts;
    expect(bisectPart(part!, { fragments, selector: 'server' })).toBeNull();
  });

  it('moves the cut off the middle when the middle falls between same-millisecond twins', () => {
    const base = steadyFragments(4);
    const fragments = [...base, { ...base[1]!, fragmentNumber: fragmentNumber(9) }];
    const [part] = planParts(fragments, { selector: 'server', window, align: 'inside' }).parts;
    const halves = bisectPart(part!, { fragments, selector: 'server' });
    expect(halves?.map((p) => p.fragmentNumbers.length)).toEqual([3, 2]);
    expect(halves?.flatMap((p) => unpackNumbers(p.fragmentNumbers))).toEqual(unpackNumbers(part!.fragmentNumbers));
  });
});
