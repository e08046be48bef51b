import { KvsClipError } from '../errors/kvs-clip-error.js';

/**
 * What a failed call ran into, in words a user reads in a retry line or the final error: "no answer within 30 s
 * (--read-timeout)", "connection refused", "connection reset". Service exceptions keep their name
 * (`ClientLimitExceededException` is what the AWS docs and forums call it). Pure.
 */
export function describeFailure(error: unknown): string {
  const name = failureName(error);
  const timeout = name === 'TimeoutError' ? describeTimeout(innermost(error, 'TimeoutError')) : undefined;
  return timeout ?? SOCKET_WORDS[name] ?? name;
}

/** The raw name (`ECONNRESET`, `TimeoutError`, `ClientLimitExceededException`), for --json and the retry policy. */
export function failureName(error: unknown): string {
  // Typed errors from src/kvs wrap the service's exception: name what the service said.
  if (error instanceof KvsClipError && error.cause instanceof Error) return failureName(error.cause);
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    // Node socket errors carry the useful part in `code` (ECONNRESET); SDK errors in `name`. The SDK's HTTP handler
    // renames a socket error of the request (ECONNRESET, EPIPE, ETIMEDOUT before any answer) to "TimeoutError" but
    // keeps its code: the code is the real cause, its own timeouts have none.
    if (typeof code === 'string' && (error.name === 'Error' || (error.name === 'TimeoutError' && code in SOCKET_WORDS)))
      return code;
    return error.name;
  }
  return typeof error;
}

const SOCKET_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  ESOCKETTIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  ERR_STREAM_PREMATURE_CLOSE: 'connection closed before the body ended',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'could not connect (--connect-timeout)',
  TruncatedBody: 'the body ended early',
};

function innermost(error: unknown, name: string): unknown {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth += 1) {
    if (current.name === name) return current;
    current = current.cause;
  }
  return current;
}

// The SDK's handler says "the request socket timed out after 500 ms of inactivity" or "…timed out without
// establishing a connection within 1000 ms".
function describeTimeout(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const ms = /(\d+) ?ms/.exec(error.message)?.[1];
  const after = ms === undefined ? '' : ` within ${Number(ms) / 1000} s`;
  return /connection/i.test(error.message)
    ? `could not connect${after} (--connect-timeout)`
    : `no answer${after} (--read-timeout)`;
}
