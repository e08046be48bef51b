import type { RetryClass } from '../download/retry-policy.js';
import { KvsClipError } from '../errors/kvs-clip-error.js';
import { CONNECTION_CODES, ENDPOINT_CODES, errorFacts, THROTTLING_NAMES, TRANSIENT_NAMES } from './error-facts.js';
import { TRUNCATED_BODY } from './map-sdk-error.js';

/** Node's refused-connection error names the address it tried: 127.0.0.0/8 or ::1 is this machine. */
function isLoopback(error: unknown): boolean {
  const address = typeof error === 'object' && error !== null ? (error as { address?: unknown }).address : undefined;
  return typeof address === 'string' && /^(127\.|::1$|::ffff:127\.)/.test(address);
}

function classifyRaw(error: unknown): RetryClass {
  const facts = errorFacts(error);
  if (THROTTLING_NAMES.has(facts.name) || facts.status === 429 || facts.throttling) return 'throttle';
  if (facts.name === TRUNCATED_BODY) return 'truncated';
  if (facts.code === 'ECONNREFUSED' && isLoopback(error)) return 'refused-loopback';
  if (facts.code !== undefined && ENDPOINT_CODES.has(facts.code)) return 'endpoint';
  if (facts.code !== undefined && CONNECTION_CODES.has(facts.code)) return 'connection';
  if (TRANSIENT_NAMES.has(facts.name) || (facts.status !== undefined && facts.status >= 500)) return 'transient';
  // The SDK could not parse a response body (a proxy's error page, JSON cut short): a glitch on the way.
  if (facts.name === 'SyntaxError' && !(facts.status !== undefined && facts.status >= 400 && facts.status < 500))
    return 'transient';
  // The SDK marks a few more failures retryable (e.g. clock skew); trust it, but nothing else.
  if (facts.retryable) return 'transient';
  return 'fatal';
}

/**
 * The retry class of a failure (docs/planning.md, "Quotas, pacing and retries") for the download's retry loop:
 * ClientLimitExceeded and 429 → `throttle`; 5xx, InternalFailure, ServiceUnavailable, timeouts → `transient`; resets
 * and premature closes → `connection`; refused or unresolvable endpoints → `endpoint` (refused on a loopback address → `refused-loopback`); a body shorter than its
 * Content-Length → `truncated`; everything else (validation, auth, not found, codec, local disk) → `fatal`.
 *
 * Accepts raw SDK/Node errors and the typed errors src/kvs throws (judged by their `cause`; without one by the code:
 * E_THROTTLED → throttle, E_REMOTE → transient). Never throws.
 */
export function classifyForRetry(error: unknown): RetryClass {
  if (error instanceof KvsClipError) {
    if (error.code !== 'E_THROTTLED' && error.code !== 'E_REMOTE') return 'fatal';
    if (error.cause !== undefined) return classifyForRetry(error.cause);
    return error.code === 'E_THROTTLED' ? 'throttle' : 'transient';
  }
  return classifyRaw(error);
}
