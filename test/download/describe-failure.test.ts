import { describe, expect, it } from 'vitest';
import { describeFailure, failureName } from '../../src/download/describe-failure.js';
import { RemoteError } from '../../src/errors/remote-error.js';

const socketError = (code: string): Error => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
const named = (name: string, message: string): Error => Object.assign(new Error(message), { name });

describe('describeFailure', () => {
  it('says a read timeout as what timed out and after how long', () => {
    const error = named('TimeoutError', 'The request socket timed out after 30000 ms of inactivity');
    expect(describeFailure(error)).toBe('no answer within 30 s (--read-timeout)');
  });

  it('says a connect timeout as a connection that was never made', () => {
    const error = named('TimeoutError', 'Socket timed out without establishing a connection within 1000 ms');
    expect(describeFailure(error)).toBe('could not connect within 1 s (--connect-timeout)');
  });

  it('says socket errors in words, also when wrapped in a typed error', () => {
    expect(describeFailure(socketError('ECONNREFUSED'))).toBe('connection refused');
    const wrapped = new RemoteError('E_REMOTE', 'x', { cause: socketError('ECONNRESET') });
    expect(describeFailure(wrapped)).toBe('connection reset by the server');
    expect(failureName(wrapped)).toBe('ECONNRESET');
  });

  it('names a socket error the SDK relabelled TimeoutError by its code, not as a read timeout', () => {
    // @smithy/node-http-handler renames ECONNRESET/EPIPE/ETIMEDOUT of the request to "TimeoutError", code kept.
    const relabelled = Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' });
    const wrapped = new RemoteError('E_REMOTE', 'x', { cause: relabelled });
    expect(describeFailure(wrapped)).toBe('connection reset by the server');
    expect(failureName(wrapped)).toBe('ECONNRESET');
    expect(describeFailure(Object.assign(new Error('write EPIPE'), { name: 'TimeoutError', code: 'EPIPE' }))).toBe(
      'connection closed while sending',
    );
  });

  it('keeps the name of a service exception, which is what the AWS documentation calls it', () => {
    expect(describeFailure(named('ClientLimitExceededException', 'slow down'))).toBe('ClientLimitExceededException');
  });
});
