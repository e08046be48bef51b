import { AuthError } from '../../errors/auth-error.js';
import type { KvsClipError } from '../../errors/kvs-clip-error.js';
import { NotFoundError } from '../../errors/not-found-error.js';
import { RemoteError } from '../../errors/remote-error.js';
import { describeFailure } from '../../download/describe-failure.js';

/**
 * Hints that fit the cause, for failures whose cause only the command line can name: a stream other than `demo`
 * with --local, a --profile that does not exist, nothing listening on a loopback endpoint, and a timeout (which the
 * SDK calls "TimeoutError") said as what timed out and after how long. Pure: the error and the argv in, the error to
 * render out (the same one when nothing fits).
 */
export function refineFailure(error: KvsClipError, argv: readonly string[]): KvsClipError {
  if (error instanceof NotFoundError && error.code === 'E_STREAM_NOT_FOUND' && argv.includes('--local')) {
    return new NotFoundError('E_STREAM_NOT_FOUND', error.message, {
      cause: error,
      hint: '--local serves one stream, "demo": e.g. kvs-clip get demo --local --since 1h -o demo.mp4',
    });
  }
  const profile = flagValue(argv, '--profile');
  if (error instanceof AuthError && profile !== undefined && hasCredentialsFailure(error)) {
    const message = `No credentials for --profile "${profile}": it is not in the AWS config or credentials file, or holds no usable keys`;
    return new AuthError('E_AUTH', message, {
      cause: error,
      hint: `Check the name (aws configure list-profiles), or create it: aws configure --profile ${profile}`,
    });
  }
  if (!(error instanceof RemoteError)) return error;
  const code = error.code === 'E_THROTTLED' ? 'E_THROTTLED' : 'E_REMOTE';
  const refused = refusedLoopback(error);
  if (refused !== undefined) {
    // An S3 request's failure (src/s3/map-s3-error.ts) names its S3 action: the endpoint is S3's, not the emulator's.
    const where = `Nothing listens on ${refused.address}:${refused.port}`;
    const hint = error.message.startsWith('S3 s3:')
      ? `${where}: start the S3-compatible server, or check --s3-endpoint-url / AWS_ENDPOINT_URL_S3`
      : `${where}: start one with \`kvs-clip emulator --port ${refused.port}\`, or use --local`;
    return new RemoteError(code, error.message, { cause: error, hint });
  }
  const timeout = describeTimeout(error);
  if (timeout === undefined || !error.message.includes('TimeoutError')) return error;
  return new RemoteError(code, error.message.replaceAll('TimeoutError', timeout), {
    cause: error,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  });
}

function* causes(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth += 1) {
    yield current;
    current = current instanceof Error ? current.cause : undefined;
  }
}

function hasCredentialsFailure(error: KvsClipError): boolean {
  return [...causes(error)].some((cause) => cause instanceof Error && cause.name === 'CredentialsProviderError');
}

function flagValue(argv: readonly string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  if (at !== -1) return argv[at + 1];
  return argv.find((word) => word.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

function refusedLoopback(error: KvsClipError): { address: string; port: number } | undefined {
  for (const cause of causes(error)) {
    const facts = cause as { code?: unknown; address?: unknown; port?: unknown };
    if (facts.code !== 'ECONNREFUSED' || typeof facts.address !== 'string' || typeof facts.port !== 'number') continue;
    if (/^(127\.|::1$|::ffff:127\.)/.test(facts.address)) return { address: facts.address, port: facts.port };
  }
  return undefined;
}

function describeTimeout(error: KvsClipError): string | undefined {
  const timeout = [...causes(error)].find((cause) => cause instanceof Error && cause.name === 'TimeoutError');
  return timeout === undefined ? undefined : describeFailure(timeout);
}
