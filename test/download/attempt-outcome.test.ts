import { describe, expect, it } from 'vitest';
import { codecChangeOf, isShortOfPlan, unsplittableCodecChange } from '../../src/download/attempt-outcome.js';
import { UnreadableClipError } from '../../src/download/clip-checks.js';
import { MediaError } from '../../src/errors/media-error.js';
import { RemoteError } from '../../src/errors/remote-error.js';
import { planParts } from '../../src/plan/plan-parts.js';
import { steadyFragments, T0 } from '../plan/fragment-fixtures.js';

// 2 s fragments, 20 to a part: a part plans 40 s of media.
const fragments = steadyFragments(30);
const plan = planParts(fragments, {
  selector: 'server',
  window: { startMs: T0, endMs: T0 + 3_600_000 },
  align: 'inside',
  limits: { maxFragments: 20 },
});
const [twenty] = plan.parts;
const single = planParts(fragments.slice(0, 1), {
  selector: 'server',
  window: { startMs: T0, endMs: T0 + 3_600_000 },
  align: 'inside',
  limits: { maxFragments: 20 },
}).parts[0];

describe('isShortOfPlan (a truncated GetClip answer)', () => {
  it('counts a clip missing more than half an average fragment as truncated', () => {
    expect(twenty?.fragmentCount).toBe(20);
    expect(twenty?.mediaDurationMs).toBe(40_000);
    expect(isShortOfPlan(twenty!, 38_999)).toBe(true);
    expect(isShortOfPlan(twenty!, 14_000)).toBe(true);
  });

  it('takes a clip within half a fragment of the plan as complete (frame jitter is not a cut)', () => {
    expect(isShortOfPlan(twenty!, 39_001)).toBe(false);
    expect(isShortOfPlan(twenty!, 40_000)).toBe(false);
    expect(isShortOfPlan(twenty!, 41_000)).toBe(false);
  });

  it('never calls a one-fragment part short: there is nothing to re-plan it into', () => {
    expect(single?.fragmentCount).toBe(1);
    expect(isShortOfPlan(single!, 0)).toBe(false);
  });
});

describe('codecChangeOf (a GetClip rejection to split around)', () => {
  it('turns a codec rejection of the call into a codec-change outcome, keeping the rejection', () => {
    const change = new MediaError('E_CODEC_CHANGE', 'GetClip failed: InvalidCodecPrivateDataException');
    expect(codecChangeOf(change)).toEqual({ kind: 'codec-change', rejection: change });
    // AWS does not name the error of a change inside one call: every codec rejection is split around.
    const unsupported = new MediaError('E_MEDIA_UNSUPPORTED', 'GetClip failed: MissingCodecPrivateDataException');
    expect(codecChangeOf(unsupported)).toEqual({ kind: 'codec-change', rejection: unsupported });
  });

  it('leaves every other failure to the retry loop', () => {
    expect(codecChangeOf(new RemoteError('E_THROTTLED', 'slow down'))).toBeNull();
    expect(codecChangeOf(new MediaError('E_MP4_PARSE', 'moov incomplete'))).toBeNull();
    expect(codecChangeOf(new MediaError('E_JOIN_MISMATCH', 'a and b differ'))).toBeNull();
    expect(codecChangeOf(new Error('ECONNRESET'))).toBeNull();
    expect(codecChangeOf(undefined)).toBeNull();
  });

  it('does not split a clip that arrived but holds a codec the joiner cannot read', () => {
    const unreadable = new UnreadableClipError(new MediaError('E_MEDIA_UNSUPPORTED', 'vp9 is not supported'));
    expect(codecChangeOf(unreadable)).toBeNull();
  });
});

describe('unsplittableCodecChange (a one-fragment part still rejected)', () => {
  it('reports E_CODEC_CHANGE naming the part and its fragment, with the rejection as cause and its hint', () => {
    const rejection = new MediaError('E_CODEC_CHANGE', 'GetClip failed: InvalidCodecPrivateDataException', {
      hint: 'pick a range that does not span the change',
    });
    const error = unsplittableCodecChange('Part 3', single!, rejection);
    expect(error).toMatchObject({ code: 'E_CODEC_CHANGE', exitCode: 6, hint: rejection.hint, cause: rejection });
    expect(error.message).toBe(
      `Part 3: GetClip refuses the codec private data of fragment ${single!.firstFragmentNumber} even on its own, so the codec change cannot be split around`,
    );
  });

  it('keeps a producer-side rejection (unsupported media, missing codec private data) as GetClip reported it', () => {
    const rejection = new MediaError('E_MEDIA_UNSUPPORTED', 'GetClip failed: UnsupportedStreamMediaTypeException');
    expect(unsplittableCodecChange('Part 1', single!, rejection)).toBe(rejection);
  });
});
