import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { EmulatorCredentials } from './local-credentials.js';
import { WireError } from './wire-error.js';

/** What signature verification needs to know about one request. */
export type SignedRequest = {
  readonly method: string;
  /** The raw request path as received (prefix included, no query). */
  readonly path: string;
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array;
};

export type SigV4Options = {
  readonly credentials: EmulatorCredentials;
  readonly region: string;
  /** Epoch ms now (injected clock). */
  readonly nowMs: number;
  /**
   * Strict: only `credentials.accessKeyId` is accepted (others: UnrecognizedClientException). Lenient (default): any
   * access key, as LocalStack and moto do; structure, scope and clock are still checked, and the signature is
   * verified whenever the key is the emulator's own (a foreign key's secret is unknown).
   */
  readonly strict?: boolean;
};

const SERVICE = 'kinesisvideo';
const MAX_SKEW_MS = 5 * 60 * 1000;

/**
 * Verifies an AWS Signature Version 4 `Authorization` header the way AWS does for `kinesisvideo`: over the headers
 * the client chose to sign (SDK v3 signs many, botocore only `content-type;host;x-amz-date`), with the payload hash
 * from `x-amz-content-sha256` when signed and otherwise computed from the body (botocore sends no hash header).
 *
 * Throws WireError: MissingAuthenticationTokenException 403 (no Authorization), IncompleteSignatureException 400
 * (malformed), UnrecognizedClientException 403 (unknown access key, strict mode only), InvalidSignatureException 403
 * (wrong scope or secret; and "Signature expired" / "Signature not yet current" when x-amz-date is more than 5 min
 * off, as KVS answers: producer-sdk-cpp#1099).
 */
export function verifySigV4(request: SignedRequest, options: SigV4Options): void {
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization === undefined || authorization === '') {
    throw new WireError('MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
  }
  const parsed = parseAuthorization(authorization);
  const amzDate = headerValue(request.headers, 'x-amz-date');
  if (amzDate === undefined || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    throw new WireError(
      'IncompleteSignatureException',
      400,
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  const [accessKeyId, date, region, service, terminator] = parsed.credential.split('/');
  if (
    accessKeyId === undefined ||
    date === undefined ||
    region === undefined ||
    service === undefined ||
    terminator !== 'aws4_request'
  ) {
    throw new WireError(
      'IncompleteSignatureException',
      400,
      `Credential should be scoped to a valid region. Received: ${parsed.credential.split('/').slice(1).join('/')}`,
    );
  }
  const ownKey = accessKeyId === options.credentials.accessKeyId;
  if (!ownKey && options.strict === true) {
    throw new WireError('UnrecognizedClientException', 403, 'The security token included in the request is invalid.');
  }
  const signedAtMs = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (!Number.isFinite(signedAtMs) || Math.abs(options.nowMs - signedAtMs) > MAX_SKEW_MS) {
    const now = compactDate(options.nowMs);
    const message =
      !Number.isFinite(signedAtMs) || signedAtMs < options.nowMs
        ? `Signature expired: ${amzDate} is now earlier than ${compactDate(options.nowMs - MAX_SKEW_MS)} (${now} - 5 min.)`
        : `Signature not yet current: ${amzDate} is still later than ${compactDate(options.nowMs + MAX_SKEW_MS)} (${now} + 5 min.)`;
    throw new WireError('InvalidSignatureException', 403, message);
  }
  if (date !== amzDate.slice(0, 8) || region !== options.region || service !== SERVICE) {
    throw new WireError(
      'InvalidSignatureException',
      403,
      `Credential should be scoped to a valid region and service. Expected ${amzDate.slice(0, 8)}/${options.region}/${SERVICE}/aws4_request, received ${date}/${region}/${service}/aws4_request.`,
    );
  }
  if (!ownKey) return;
  const expected = signature(
    request,
    parsed.signedHeaders,
    amzDate,
    `${date}/${region}/${service}/aws4_request`,
    options.credentials.secretAccessKey,
  );
  const given = Buffer.from(parsed.signature, 'utf8');
  const wanted = Buffer.from(expected, 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw new WireError(
      'InvalidSignatureException',
      403,
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
}

function parseAuthorization(value: string): { credential: string; signedHeaders: string[]; signature: string } {
  const prefix = 'AWS4-HMAC-SHA256 ';
  if (!value.startsWith(prefix)) {
    throw new WireError(
      'IncompleteSignatureException',
      400,
      `Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.`,
    );
  }
  const fields = new Map<string, string>();
  for (const part of value.slice(prefix.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const sig = fields.get('Signature');
  const missing = [
    ['Credential', credential],
    ['Signature', sig],
    ['SignedHeaders', signedHeaders],
  ]
    .filter(([, v]) => v === undefined || v === '')
    .map(([name]) => `Authorization header requires '${String(name)}' parameter.`);
  if (credential === undefined || signedHeaders === undefined || sig === undefined || missing.length > 0) {
    throw new WireError('IncompleteSignatureException', 400, missing.join(' '));
  }
  return { credential, signedHeaders: signedHeaders.split(';'), signature: sig };
}

function signature(
  request: SignedRequest,
  signedHeaders: readonly string[],
  amzDate: string,
  scope: string,
  secret: string,
): string {
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${canonicalHeaderValue(request.headers, name)}\n`)
    .join('');
  const payloadHash = headerValue(request.headers, 'x-amz-content-sha256') ?? sha256Hex(request.body);
  const canonicalRequest = [
    request.method,
    canonicalPath(request.path),
    canonicalQuery(request.query),
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(Buffer.from(canonicalRequest, 'utf8'))].join(
    '\n',
  );
  const [date = '', region = '', service = ''] = scope.split('/');
  let key = hmac(`AWS4${secret}`, date);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

/** SigV4 for non-S3 services encodes each path segment once more (the SDKs "double encode"). */
function canonicalPath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeRfc3986(segment))
    .join('/');
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      const val = eq < 0 ? '' : pair.slice(eq + 1);
      return [encodeRfc3986(decodeURIComponent(name)), encodeRfc3986(decodeURIComponent(val))] as const;
    })
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([name, val]) => `${name}=${val}`)
    .join('&');
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalHeaderValue(headers: IncomingHttpHeaders, name: string): string {
  const raw = headers[name];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const raw = headers[name];
  return Array.isArray(raw) ? raw.join(',') : raw;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function compactDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
