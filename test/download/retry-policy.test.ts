import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_BUDGET, decideRetry, type RetryClass } from '../../src/download/retry-policy.js';

const budget = DEFAULT_RETRY_BUDGET;
const half = (): number => 0.5;

describe('decideRetry', () => {
  it.each<[RetryClass, boolean, boolean]>([
    ['throttle', false, true],
    ['transient', false, false],
    ['connection', true, false],
    ['truncated', false, false],
    ['endpoint', true, false],
    ['refused-loopback', true, false],
  ])('retries %s (refresh endpoint: %s, throttled: %s)', (errorClass, refreshEndpoint, throttled) => {
    const d = decideRetry({ errorClass, retriesSoFar: 0, elapsedMs: 0 }, { budget, random: half });
    expect(d).toEqual({ retry: true, delayMs: 500, refreshEndpoint, throttled });
  });

  it('never retries a fatal error (validation, auth, not found, codec, local disk)', () => {
    const d = decideRetry({ errorClass: 'fatal', retriesSoFar: 0, elapsedMs: 0 }, { budget, random: half });
    expect(d).toEqual({ retry: false, reason: 'fatal' });
  });

  it.each([
    [0, 0.5, 500],
    [1, 0.5, 1000],
    [2, 0.5, 2000],
    [3, 0.5, 4000],
    [4, 0.5, 8000],
    [5, 0.5, 10_000],
    [5, 0.999, 19_980],
    [7, 0.25, 5000],
    [3, 0, 0],
  ])('after %i retries with random %f waits %i ms (full jitter, base 1 s, cap 20 s)', (retriesSoFar, r, delayMs) => {
    const d = decideRetry({ errorClass: 'throttle', retriesSoFar, elapsedMs: 0 }, { budget, random: () => r });
    expect(d.retry && d.delayMs).toBe(delayMs);
  });

  it('retries a refused loopback connection once, whatever --retries says', () => {
    const state = { errorClass: 'refused-loopback' as const, elapsedMs: 0 };
    expect(decideRetry({ ...state, retriesSoFar: 0 }, { budget, random: half }).retry).toBe(true);
    expect(decideRetry({ ...state, retriesSoFar: 1 }, { budget, random: half })).toEqual({
      retry: false,
      reason: 'retries-exhausted',
    });
    const none = { ...budget, retries: 0 };
    expect(decideRetry({ ...state, retriesSoFar: 0 }, { budget: none, random: half }).retry).toBe(false);
  });

  it('gives up once --retries retries were made', () => {
    const small = { ...budget, retries: 2 };
    expect(
      decideRetry({ errorClass: 'transient', retriesSoFar: 1, elapsedMs: 0 }, { budget: small, random: half }).retry,
    ).toBe(true);
    expect(
      decideRetry({ errorClass: 'transient', retriesSoFar: 2, elapsedMs: 0 }, { budget: small, random: half }),
    ).toEqual({
      retry: false,
      reason: 'retries-exhausted',
    });
  });

  it('gives up when --retry-max-time is spent, and never sleeps past it', () => {
    const small = { ...budget, retryMaxTimeMs: 10_000 };
    const late = decideRetry(
      { errorClass: 'throttle', retriesSoFar: 4, elapsedMs: 9000 },
      { budget: small, random: half },
    );
    expect(late).toEqual({ retry: true, delayMs: 1000, refreshEndpoint: false, throttled: true });
    expect(
      decideRetry({ errorClass: 'throttle', retriesSoFar: 1, elapsedMs: 10_000 }, { budget: small, random: half }),
    ).toEqual({
      retry: false,
      reason: 'time-exhausted',
    });
  });

  it('with --retries 0 fails on the first error', () => {
    const d = decideRetry(
      { errorClass: 'throttle', retriesSoFar: 0, elapsedMs: 0 },
      { budget: { ...budget, retries: 0 }, random: half },
    );
    expect(d).toEqual({ retry: false, reason: 'retries-exhausted' });
  });
});
