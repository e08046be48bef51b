import { describe, expect, it } from 'vitest';
import { ERROR_CODES, EXIT_CODES } from '../../src/errors/exit-codes.js';
import { CancelledError } from '../../src/errors/cancelled-error.js';
import { MediaError } from '../../src/errors/media-error.js';
import { UsageError } from '../../src/errors/usage-error.js';

describe('exit codes', () => {
  it('maps every error code to the documented exit code', () => {
    expect(ERROR_CODES).toEqual({
      E_INTERNAL: 1,
      E_USAGE: 2,
      E_TIME_PARSE: 2,
      E_TIME_RANGE: 2,
      E_STREAM_NOT_FOUND: 3,
      E_NO_MEDIA: 3,
      E_AUTH: 4,
      E_THROTTLED: 5,
      E_REMOTE: 5,
      E_MEDIA_UNSUPPORTED: 6,
      E_MP4_PARSE: 6,
      E_CODEC_CHANGE: 6,
      E_JOIN_MISMATCH: 6,
      E_OUTPUT_EXISTS: 7,
      E_OUTPUT_WRITE: 7,
      E_LOCKED: 7,
      E_GAPS: 8,
      E_HOOK: 8,
      E_STREAMS_FAILED: 9,
      E_CANCELLED: 130,
    });
  });

  it('gives an error its class name, code, exit code and hint', () => {
    const e = new UsageError('E_TIME_PARSE', 'Could not parse --since "yesterdy"', { hint: 'try "2h ago"' });
    expect([e.name, e.code, e.exitCode, e.hint]).toEqual(['UsageError', 'E_TIME_PARSE', 2, 'try "2h ago"']);
    expect(new MediaError('E_MP4_PARSE', 'x').exitCode).toBe(EXIT_CODES.media);
  });

  it('exits 130 for SIGINT and 143 for SIGTERM', () => {
    expect(new CancelledError('SIGINT').exitCode).toBe(130);
    expect(new CancelledError('SIGTERM').exitCode).toBe(143);
  });
});
