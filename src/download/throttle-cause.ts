import type { ThrottleCause } from './pacer.js';

/**
 * What a throttle (ClientLimitExceededException) was about, from the service's message: "Limit exceeded on number of
 * requests …" is the call quota, "… fragment-media points …" the points budget (src/emulator/quotas.ts uses the same
 * wording). Anything else is `unknown`. Looks through wrapped causes (typed errors keep the SDK's error as `cause`).
 */
export function throttleCauseOf(error: unknown): ThrottleCause {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (/fragment-media points/i.test(e.message)) return 'points';
    if (/number of requests/i.test(e.message)) return 'calls';
  }
  return 'unknown';
}
