/**
 * The classification inputs of a thrown value, read the way the SDK itself classifies (smithy
 * service-error-classification): by `name`, `$metadata.httpStatusCode`, `$retryable` and Node's `code`, never by
 * message text (docs/README.md, "House rules").
 */
export type ErrorFacts = {
  readonly name: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly retryable: boolean;
  readonly throttling: boolean;
};

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Reads {@link ErrorFacts} from anything thrown (SDK exception, Node system error, or a non-Error value). */
export function errorFacts(error: unknown): ErrorFacts {
  const name = field(error, 'name');
  // A response the SDK could not deserialize carries its status only on `$response` (docs/planning.md, "Quotas, pacing
  // and retries").
  const status = field(field(error, '$metadata'), 'httpStatusCode') ?? field(field(error, '$response'), 'statusCode');
  const code = field(error, 'code');
  const retryable = field(error, '$retryable');
  return {
    name: typeof name === 'string' ? name : typeof error,
    status: typeof status === 'number' ? status : undefined,
    code: typeof code === 'string' ? code : undefined,
    retryable: retryable !== undefined && retryable !== null,
    throttling: field(retryable, 'throttling') === true,
  };
}

/** Names of throttling errors across AWS services (smithy THROTTLING_ERROR_CODES plus KVS's own). */
export const THROTTLING_NAMES: ReadonlySet<string> = new Set([
  'ClientLimitExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'BandwidthLimitExceeded',
  'TransactionInProgressException',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

/** Server-side failures worth another attempt (smithy TRANSIENT_ERROR_CODES, AWS common errors). */
export const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'InternalFailure',
  'InternalFailureException',
  'InternalServerError',
  'InternalServerException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** The connection broke while a request or body was under way. */
export const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The endpoint cannot be reached at all: reload GetDataEndpoint before retrying. */
export const ENDPOINT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

/** Credential and signature failures (SDK credential providers and AWS common errors). */
export const AUTH_NAMES: ReadonlySet<string> = new Set([
  'NotAuthorizedException',
  'AccessDeniedException',
  'AccessDenied',
  'CredentialsProviderError',
  'TokenProviderError',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
]);

/**
 * GetClip's codec and track exceptions: the producer's media, not the download (docs/planning.md, "Quotas, pacing and
 * retries").
 */
export const CODEC_NAMES: ReadonlySet<string> = new Set([
  'UnsupportedStreamMediaTypeException',
  'MissingCodecPrivateDataException',
  'InvalidCodecPrivateDataException',
  'InvalidMediaFrameException',
]);

/** Local file-system failures while writing a body (never retried, docs/planning.md, "Quotas, pacing and retries"). */
export const OUTPUT_CODES: ReadonlySet<string> = new Set([
  'ENOSPC',
  'EDQUOT',
  'EACCES',
  'EPERM',
  'EROFS',
  'EISDIR',
  'ENOENT',
  'ENOTDIR',
  'EMFILE',
  'EFBIG',
]);
