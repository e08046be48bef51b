import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors/cancelled-error.js';
import { InternalError } from '../../src/errors/internal-error.js';
import { RemoteError } from '../../src/errors/remote-error.js';
import { UsageError } from '../../src/errors/usage-error.js';
import { DEFAULT_RETRY_BUDGET, type RetryClass } from '../../src/download/retry-policy.js';
import { withRetry, type RetryNotice, type WithRetryOptions } from '../../src/download/with-retry.js';

class FakeError extends Error {
  constructor(
    name: string,
    readonly retryClass: RetryClass,
  ) {
    super(name);
    this.name = name;
  }
}

function harness(overrides: Partial<WithRetryOptions> = {}) {
  let now = 0;
  const sleeps: number[] = [];
  const notices: RetryNotice[] = [];
  const options: WithRetryOptions = {
    label: 'GetClip part 3/12',
    budget: DEFAULT_RETRY_BUDGET,
    random: () => 0.3,
    nowMs: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    signal: new AbortController().signal,
    classify: (e) => (e instanceof FakeError ? e.retryClass : 'fatal'),
    toError: (e) => new InternalError(`mapped ${String(e)}`),
    onRetry: (n) => notices.push(n),
    ...overrides,
  };
  return { options, sleeps, notices };
}

describe('withRetry', () => {
  it('retries throttles with growing full-jitter delays and says so in yt-dlp style', async () => {
    const { options, sleeps, notices } = harness();
    let throttles = 0;
    const result = await withRetry(
      (attempt) => {
        if (attempt < 2) return Promise.reject(new FakeError('ClientLimitExceededException', 'throttle'));
        return Promise.resolve('ok');
      },
      { ...options, onThrottle: () => throttles++ },
    );
    expect(result).toBe('ok');
    expect(sleeps).toEqual([300, 600]);
    expect(throttles).toBe(2);
    expect(notices.map((n) => n.message)).toEqual([
      'GetClip part 3/12: ClientLimitExceededException. Retrying in 0.3 s (1/8)',
      'GetClip part 3/12: ClientLimitExceededException. Retrying in 0.6 s (2/8)',
    ]);
  });

  it('gives up after --retries with a RemoteError E_THROTTLED (exit 5)', async () => {
    const { options } = harness();
    const failure = withRetry(() => Promise.reject(new FakeError('ClientLimitExceededException', 'throttle')), options);
    await expect(failure).rejects.toBeInstanceOf(RemoteError);
    await expect(failure).rejects.toMatchObject({
      code: 'E_THROTTLED',
      exitCode: 5,
      message: 'GetClip part 3/12: ClientLimitExceededException. Giving up after 8 retries',
    });
  });

  it('does not retry a fatal error and throws the mapped error', async () => {
    const { options, sleeps } = harness({ toError: () => new UsageError('E_USAGE', 'bad') });
    let calls = 0;
    await expect(
      withRetry(() => {
        calls++;
        return Promise.reject(new Error('InvalidArgumentException'));
      }, options),
    ).rejects.toBeInstanceOf(UsageError);
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('reloads the data endpoint before retrying a connection reset', async () => {
    const { options } = harness();
    const order: string[] = [];
    await withRetry(
      (attempt) => {
        order.push(`call ${attempt}`);
        if (attempt === 0) return Promise.reject(new FakeError('ECONNRESET', 'connection'));
        return Promise.resolve(1);
      },
      { ...options, refreshEndpoint: () => Promise.resolve(void order.push('refresh')) },
    );
    expect(order).toEqual(['call 0', 'refresh', 'call 1']);
  });

  it('stops promptly with CancelledError when aborted during a backoff', async () => {
    const controller = new AbortController();
    const { options } = harness({
      signal: controller.signal,
      // A sleep that never ends by itself: only the abort can finish the wait.
      sleep: () => new Promise<void>(() => undefined),
    });
    const run = withRetry(() => Promise.reject(new FakeError('InternalFailure', 'transient')), options);
    setTimeout(() => controller.abort(), 10);
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});
