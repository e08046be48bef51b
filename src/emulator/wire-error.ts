/**
 * An error the emulator answers on the wire (docs/planning.md, "Quotas, pacing and retries"). Thrown inside route
 * handlers; the server turns it into the error recipe AWS JSON services use (status, `x-amzn-ErrorType`, JSON `__type`
 * + `Message` + `message`).
 */
export class WireError extends Error {
  /** The error type name as it travels, e.g. `ResourceNotFoundException`. */
  readonly type: string;
  readonly status: number;

  constructor(type: string, status: number, message: string) {
    super(message);
    this.name = 'WireError';
    this.type = type;
    this.status = status;
  }
}

/**
 * Statuses of the names this emulator emits (docs/planning.md, "Quotas, pacing and retries"; NotAuthorized uses the
 * model's 401).
 */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  ClientLimitExceededException: 400,
  InvalidArgumentException: 400,
  NotAuthorizedException: 401,
  ResourceNotFoundException: 404,
  UnsupportedStreamMediaTypeException: 400,
  MissingCodecPrivateDataException: 400,
  InvalidCodecPrivateDataException: 400,
  InvalidMediaFrameException: 400,
  NoDataRetentionException: 400,
  InternalFailure: 500,
  ServiceUnavailable: 503,
  ServiceUnavailableException: 503,
  ThrottlingException: 400,
  IncompleteSignatureException: 400,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  MissingAuthenticationTokenException: 403,
  RequestExpired: 400,
};

/** The HTTP status the emulator uses for an error name; unknown names get 400 (a client error). */
export function statusForErrorType(type: string): number {
  return STATUS_BY_TYPE[type] ?? 400;
}

/** Shorthand for the most common reply: 400 InvalidArgumentException. */
export function invalidArgument(message: string): WireError {
  return new WireError('InvalidArgumentException', 400, message);
}

/**
 * The control-plane message for a missing stream, as observed on AWS (docs/planning.md, "Quotas, pacing and retries").
 */
export function streamNotFound(): WireError {
  return new WireError('ResourceNotFoundException', 404, 'The requested stream is not found or not active.');
}
