import { describe, expect, it } from 'vitest';
import { throttleCauseOf } from '../../src/download/throttle-cause.js';
import { RemoteError } from '../../src/errors/remote-error.js';

describe('throttleCauseOf', () => {
  it('names the call quota when the service says "number of requests"', () => {
    const error = new Error("Limit exceeded on number of requests for GetClip API for resource 'cam'");
    expect(throttleCauseOf(error)).toBe('calls');
  });

  it('names the points budget when the service says "fragment-media points"', () => {
    const error = new Error("Limit exceeded on fragment-media points for GetClip API for resource 'cam'");
    expect(throttleCauseOf(error)).toBe('points');
  });

  it('looks through a typed error to the service error it wraps', () => {
    const cause = new Error("Limit exceeded on fragment-media points for GetClip API for resource 'cam'");
    expect(throttleCauseOf(new RemoteError('E_THROTTLED', 'GetClip: throttled', { cause }))).toBe('points');
  });

  it('says unknown for any other failure', () => {
    expect(throttleCauseOf(new Error('Rate exceeded'))).toBe('unknown');
    expect(throttleCauseOf('not an error')).toBe('unknown');
  });
});
