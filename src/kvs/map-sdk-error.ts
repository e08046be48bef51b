import { cancellationOf } from '../download/cancellation.js';
import { AuthError } from '../errors/auth-error.js';
import { CancelledError } from '../errors/cancelled-error.js';
import { InternalError } from '../errors/internal-error.js';
import { KvsClipError } from '../errors/kvs-clip-error.js';
import { MediaError } from '../errors/media-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { OutputError } from '../errors/output-error.js';
import { RemoteError } from '../errors/remote-error.js';
import { UsageError } from '../errors/usage-error.js';
import {
  AUTH_NAMES,
  CODEC_NAMES,
  CONNECTION_CODES,
  ENDPOINT_CODES,
  errorFacts,
  OUTPUT_CODES,
  THROTTLING_NAMES,
  TRANSIENT_NAMES,
  type ErrorFacts,
} from './error-facts.js';
import { isControlPlane, type KvsOperation } from './kvs-operation.js';

/** Which call failed, for the message and the data-plane/control-plane distinction. */
export type SdkErrorContext = {
  readonly op: KvsOperation;
  /** Stream name or ARN, for the message (absent for ListStreams). */
  readonly stream?: string;
  /** The call's signal: once it has fired, any failure is reported as the cancellation it caused. */
  readonly signal?: AbortSignal;
};

/** Name of the synthetic cause of a body shorter than its Content-Length (see getClip). */
export const TRUNCATED_BODY = 'TruncatedBody';

const CREDENTIAL_NAMES = new Set(['CredentialsProviderError', 'TokenProviderError']);
const EXPIRED_NAMES = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
const SIGNATURE_NAMES = new Set([
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
]);

/**
 * One line of service text for a message: whitespace collapsed, capped, and anything shaped like a signature,
 * credential scope, session token or access key id removed (AWS signature errors echo the string to sign).
 */
function safeText(text: string): string {
  const redacted = text
    .replace(
      /(Signature|Credential|X-Amz-Security-Token|X-Amz-Signature|Authorization)([=:]\s*)\S+/gi,
      '$1$2[redacted]',
    )
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{12,}\b/g, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return redacted.length > 200 ? `${redacted.slice(0, 199)}…` : redacted;
}

function serviceMessage(error: unknown): string {
  return error instanceof Error && error.message !== '' ? `: ${safeText(error.message)}` : '';
}

function describe(facts: ErrorFacts): string {
  if (facts.status !== undefined) return `${facts.name} (HTTP ${facts.status})`;
  return facts.code ?? facts.name;
}

function authHint(facts: ErrorFacts, op: KvsOperation): string {
  if (CREDENTIAL_NAMES.has(facts.name)) {
    return 'No usable AWS credentials: set --profile or AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  if (EXPIRED_NAMES.has(facts.name))
    return 'The credentials have expired: refresh them (e.g. `aws sso login`) and run again';
  if (facts.name === 'UnrecognizedClientException') {
    // Also what a kvs-clip emulator started with --strict-auth answers for any key but its own.
    return "The endpoint does not recognise this access key (AWS_ACCESS_KEY_ID or the --profile's): use keys of this AWS account; for a local `kvs-clip emulator --strict-auth` use AWS_ACCESS_KEY_ID=AKIDKVSCLIPLOCAL AWS_SECRET_ACCESS_KEY=kvs-clip-local-secret, or --local";
  }
  if (SIGNATURE_NAMES.has(facts.name))
    return 'The request signature was rejected: check the secret key, the system clock and --region';
  return `The credentials are not allowed kinesisvideo:${op} on this stream: check the IAM policy`;
}

/**
 * Turns anything an SDK call, a body stream or a spool write threw into the typed error the CLI reports
 * (src/errors/exit-codes.ts), classified by exception name, HTTP status, `$retryable` and Node error code, never by
 * message text. Typed errors pass through unchanged. The original error stays in `cause`; messages and hints never
 * carry credentials, signatures or headers.
 *
 * ResourceNotFoundException means an unknown stream on the control plane but "no fragments in the range" on the data
 * plane (ListFragments, GetClip). Retry decisions are classifyForRetry's; this only names the failure.
 * Never throws.
 */
// OpenSSL's handshake errors as Node reports them in `code`.
const TLS_CODES: ReadonlySet<string> = new Set([
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
]);

export function mapSdkError(error: unknown, context: SdkErrorContext): KvsClipError {
  if (context.signal?.aborted === true) return cancellationOf(context.signal);
  if (error instanceof KvsClipError) return error;
  const facts = errorFacts(error);
  const { op } = context;
  const where = context.stream === undefined ? op : `${op} for stream "${context.stream}"`;
  const failed = `${where} failed: ${describe(facts)}`;
  const options = { cause: error };

  if (facts.code !== undefined && OUTPUT_CODES.has(facts.code) && facts.status === undefined) {
    return new OutputError('E_OUTPUT_WRITE', `Could not write the ${op} body: ${facts.code}`, {
      ...options,
      hint: 'Check free space and permissions of the output directory',
    });
  }
  if (facts.name === 'ResourceNotFoundException') {
    return isControlPlane(op)
      ? new NotFoundError(
          'E_STREAM_NOT_FOUND',
          `Stream "${context.stream ?? ''}" not found or not active (${describe(facts)})`,
          {
            ...options,
            hint: 'Check the stream name and --region; `kvs-clip streams` lists the streams of a region',
          },
        )
      : new NotFoundError('E_NO_MEDIA', `${where}: no fragments in the requested range (${describe(facts)})`, {
          ...options,
          hint: "Check the range with `kvs-clip list`, the --timestamps selector and the stream's retention period",
        });
  }
  if (facts.name === 'NoDataRetentionException') {
    return new NotFoundError('E_NO_MEDIA', `${failed}: the stream keeps no archive`, {
      ...options,
      hint: 'Enable data retention on the stream (DataRetentionInHours > 0); only media ingested afterwards can be downloaded',
    });
  }
  // The emulator's answer for a codec private data change inside one call (AWS documents an error, not its name:
  // docs/emulator.md, "Known unknowns of real GetClip output"); also what a fragment with unusable codec private data gets.
  if (facts.name === 'InvalidCodecPrivateDataException') {
    return new MediaError(
      'E_CODEC_CHANGE',
      `${failed}: a codec configuration change inside the range, or invalid codec private data`,
      {
        ...options,
        hint: 'GetClip serves one codec configuration per call: pick a range that does not span the change; a fragment refused on its own has codec private data GetClip cannot use (a producer problem)',
      },
    );
  }
  if (CODEC_NAMES.has(facts.name)) {
    return new MediaError('E_MEDIA_UNSUPPORTED', failed, {
      ...options,
      hint: 'A producer-side problem: GetClip cannot package this media (codec private data or frames missing, invalid or unsupported); fix the producer or pick a range without it',
    });
  }
  if (AUTH_NAMES.has(facts.name) || facts.status === 401 || facts.status === 403) {
    return new AuthError('E_AUTH', failed, { ...options, hint: authHint(facts, op) });
  }
  if (THROTTLING_NAMES.has(facts.name) || facts.status === 429 || facts.throttling) {
    return new RemoteError('E_THROTTLED', failed, {
      ...options,
      hint: "The stream's read quota is shared with viewers and players: run again later, or lower --fragment-rate",
    });
  }
  if (
    facts.name === 'InvalidArgumentException' &&
    /outside of the stream retention period/i.test(serviceMessage(error))
  ) {
    // The whole range lies before what the stream keeps (KVS checks the end): no media can be there, exit 3 as for
    // any empty range (README "Exit codes"), not a usage error.
    return new NotFoundError(
      'E_NO_MEDIA',
      `${where}: the range ends before the stream's retention period, so no media can be there`,
      {
        ...options,
        hint: `Ask for a more recent range; \`kvs-clip list ${context.stream ?? 'STREAM'} --since 24h\` shows what is kept`,
      },
    );
  }
  if (facts.name === 'InvalidArgumentException' || facts.name === 'ValidationException') {
    return new UsageError('E_USAGE', `${where} was rejected${serviceMessage(error)}`, {
      ...options,
      hint: 'Check the time range: inside the retention period, end in the past for server timestamps, at most 24 h per call',
    });
  }
  if (facts.name === 'AbortError') return new CancelledError('SIGINT');
  // TLS failed before any HTTP: most often https:// against a plain-http endpoint such as the emulator.
  if (facts.code !== undefined && TLS_CODES.has(facts.code)) {
    return new RemoteError('E_REMOTE', `${failed}: the TLS handshake failed (${facts.code})`, {
      ...options,
      hint: 'is it http? The bundled emulator speaks plain http: use --endpoint-url http://…',
    });
  }
  // Node's HTTP parser rejected the answer (HPE_*): whatever listens there does not speak HTTP.
  if (facts.code !== undefined && facts.code.startsWith('HPE_')) {
    return new RemoteError('E_REMOTE', `${failed}: the endpoint's answer is not HTTP (${facts.code})`, {
      ...options,
      hint: 'check --endpoint-url: it should be Kinesis Video Streams or the bundled emulator',
    });
  }
  const transient =
    TRANSIENT_NAMES.has(facts.name) ||
    (facts.status !== undefined && facts.status >= 500) ||
    (facts.code !== undefined && (CONNECTION_CODES.has(facts.code) || ENDPOINT_CODES.has(facts.code))) ||
    facts.name === TRUNCATED_BODY ||
    facts.retryable;
  if (transient || facts.status !== undefined || facts.name === 'SyntaxError') {
    // SyntaxError: the SDK could not parse a response (a proxy's HTML page, a cut JSON body).
    return new RemoteError('E_REMOTE', failed, {
      ...options,
      hint: 'A network or service failure: run the same command again later (finished parts are kept)',
    });
  }
  return new InternalError(`${failed}`, options);
}
