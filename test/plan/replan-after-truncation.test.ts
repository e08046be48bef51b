import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../src/errors/remote-error.js';
import { planParts } from '../../src/plan/plan-parts.js';
import { replanAfterTruncation } from '../../src/plan/replan-after-truncation.js';
import { replaceParts } from '../../src/plan/replace-parts.js';
import { steadyFragments, T0 } from './fragment-fixtures.js';
import { unpackNumbers } from '../../src/plan/fragment-numbers.js';

const fragments = steadyFragments(30);
const plan = planParts(fragments, {
  selector: 'server',
  window: { startMs: T0, endMs: T0 + 3_600_000 },
  align: 'inside',
  limits: { maxFragments: 20 },
});
const [first, second] = plan.parts;

describe('replanAfterTruncation', () => {
  it('plans the fragments after the received prefix, no larger than what the service delivered', () => {
    const { received, rest } = replanAfterTruncation(first!, { fragmentCount: 7 }, { fragments, selector: 'server' });
    expect(unpackNumbers(received.fragmentNumbers)).toEqual(unpackNumbers(first!.fragmentNumbers).slice(0, 7));
    expect(received.endMs).toBe(T0 + 7 * 2000 - 1);
    expect(rest.map((p) => p.fragmentCount)).toEqual([7, 6]);
    expect(rest[0]?.startMs).toBe(T0 + 14_000);
    // The seam with the next planned part is unchanged.
    expect(rest[1]?.endMs).toBe(first!.endMs);
    expect([received, ...rest].flatMap((p) => unpackNumbers(p.fragmentNumbers))).toEqual(
      unpackNumbers(first!.fragmentNumbers),
    );
  });

  it('gives a single fragment left at the end of the last part an End after its Start, as GetClip requires', () => {
    const lastStartMs = second!.startMs + (second!.fragmentCount - 1) * 2000;
    const { rest } = replanAfterTruncation(
      { ...second!, endMs: lastStartMs },
      { fragmentCount: second!.fragmentCount - 1 },
      { fragments, selector: 'server' },
    );
    expect(rest).toHaveLength(1);
    expect(rest[0]?.startMs).toBe(lastStartMs);
    expect(rest[0]?.endMs).toBe(lastStartMs + 1);
  });

  it('counts received fragments from the media duration, tolerating sample durations a frame off', () => {
    const { received } = replanAfterTruncation(
      first!,
      { durationMs: 5 * 2000 - 40 },
      { fragments, selector: 'server' },
    );
    expect(received.fragmentCount).toBe(5);
  });

  it('returns nothing to fetch when the whole part arrived', () => {
    expect(replanAfterTruncation(second!, { fragmentCount: 10 }, { fragments, selector: 'server' })).toEqual({
      received: second,
      rest: [],
    });
  });

  it('refuses a response without media, which is a failed call rather than a truncation', () => {
    expect(() => replanAfterTruncation(first!, { fragmentCount: 0 }, { fragments, selector: 'server' })).toThrow(
      RemoteError,
    );
    expect(() => replanAfterTruncation(first!, { durationMs: 0 }, { fragments, selector: 'server' })).toThrow(
      RemoteError,
    );
  });

  it('counts any media as at least the first fragment, which GetClip always returns whole', () => {
    expect(
      replanAfterTruncation(first!, { durationMs: 300 }, { fragments, selector: 'server' }).received.fragmentCount,
    ).toBe(1);
  });

  it('splices into the plan with every part renumbered and no fragment lost or repeated', () => {
    const { received, rest } = replanAfterTruncation(first!, { fragmentCount: 7 }, { fragments, selector: 'server' });
    const replanned = replaceParts(plan, 0, [received, ...rest]);
    expect(replanned.parts.map((p) => p.index)).toEqual([0, 1, 2, 3]);
    expect(replanned.parts.flatMap((p) => unpackNumbers(p.fragmentNumbers))).toEqual(
      fragments.map((f) => f.fragmentNumber),
    );
    expect(() => replaceParts(plan, 5, [])).toThrow(RangeError);
  });
});
