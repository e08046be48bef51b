/**
 * The one exit-code table (src/errors/exit-codes.ts). Stable: scripts and cron jobs branch on these numbers.
 */
export const EXIT_CODES = {
  ok: 0,
  internal: 1,
  usage: 2,
  notFound: 3,
  auth: 4,
  remote: 5,
  media: 6,
  output: 7,
  incomplete: 8,
  partial: 9,
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** Every stable error code, with the exit code it maps to. */
export const ERROR_CODES = {
  E_INTERNAL: EXIT_CODES.internal,
  E_USAGE: EXIT_CODES.usage,
  E_TIME_PARSE: EXIT_CODES.usage,
  E_TIME_RANGE: EXIT_CODES.usage,
  E_STREAM_NOT_FOUND: EXIT_CODES.notFound,
  E_NO_MEDIA: EXIT_CODES.notFound,
  E_AUTH: EXIT_CODES.auth,
  E_THROTTLED: EXIT_CODES.remote,
  E_REMOTE: EXIT_CODES.remote,
  E_MEDIA_UNSUPPORTED: EXIT_CODES.media,
  E_MP4_PARSE: EXIT_CODES.media,
  E_CODEC_CHANGE: EXIT_CODES.media,
  E_JOIN_MISMATCH: EXIT_CODES.media,
  E_OUTPUT_EXISTS: EXIT_CODES.output,
  E_OUTPUT_WRITE: EXIT_CODES.output,
  E_LOCKED: EXIT_CODES.output,
  E_GAPS: EXIT_CODES.incomplete,
  E_HOOK: EXIT_CODES.incomplete,
  E_STREAMS_FAILED: EXIT_CODES.partial,
  E_CANCELLED: EXIT_CODES.interrupted,
} as const satisfies Record<string, ExitCode>;

export type ErrorCode = keyof typeof ERROR_CODES;
