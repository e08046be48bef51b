/**
 * Real-service oddities the emulator can reproduce, each a switch (all off by default; the client's own tests turn
 * them on, so kvs-clip is tested against what AWS actually sends, not a tidy subset).
 */
export type Quirks = {
  /**
   * Absent members sent as explicit `null` (`"DeviceName":null`, `"IngestionConfiguration":null`,
   * `"NextToken":null`), as in a real DescribeStream reply quoted in producer-sdk-c#429 and producer-sdk-cpp#226.
   */
  readonly explicitNulls: boolean;
  /** Timestamps in StreamInfo in Java's exponent form, `"CreationTime":1.705489836421E9` (same sources). */
  readonly exponentNumbers: boolean;
  /**
   * Error bodies without `__type`, carrying only `message` or only `Message` (alternating per error); the type then
   * travels in `x-amzn-ErrorType` alone. AWS's casing is not documented (kvs-api: [unknown]); SDKs accept both.
   */
  readonly bareErrorBodies: boolean;
  /**
   * Auth errors (UnrecognizedClient, InvalidSignature, MissingAuthenticationToken, IncompleteSignature) carry the
   * Coral suffix AWS front ends use, `x-amzn-ErrorType: <Name>:http://internal.amazon.com/coral/com.amazon.coral.service/`,
   * instead of the service documentation URL.
   */
  readonly authErrorSuffix: boolean;
};

export const NO_QUIRKS: Quirks = {
  explicitNulls: false,
  exponentNumbers: false,
  bareErrorBodies: false,
  authErrorSuffix: false,
};

export const ALL_QUIRKS: Quirks = {
  explicitNulls: true,
  exponentNumbers: true,
  bareErrorBodies: true,
  authErrorSuffix: true,
};

/** `true` turns every quirk on, `false`/undefined none, an object picks some. */
export function resolveQuirks(option: boolean | Partial<Quirks> | undefined): Quirks {
  if (option === true) return ALL_QUIRKS;
  if (option === undefined || option === false) return NO_QUIRKS;
  return { ...NO_QUIRKS, ...option };
}

/**
 * Serialises a JSON reply with the body quirks: exponent-form `CreationTime` (Java's Double.toString shape, e.g.
 * 1.705489836421E9). Explicit nulls are added by the routes themselves (they know which members exist).
 */
export function replyJson(value: unknown, quirks: Quirks): string {
  const text = JSON.stringify(value);
  if (!quirks.exponentNumbers) return text;
  return text.replace(
    /"CreationTime":(\d+(?:\.\d+)?)/g,
    (_, number: string) => `"CreationTime":${exponentForm(number)}`,
  );
}

/** 1705489836.421 → 1.705489836421E9 (the same number, written as Java does for large doubles). */
function exponentForm(number: string): string {
  const [whole = '0', fraction = ''] = number.split('.');
  const digits = (whole + fraction).replace(/^0+/, '') || '0';
  const exponent = whole.replace(/^0+/, '').length - 1;
  if (exponent < 1) return number;
  const mantissa = `${digits.slice(0, 1)}.${digits.slice(1).replace(/0+$/, '') || '0'}`;
  return `${mantissa}E${exponent}`;
}

const AUTH_ERRORS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
]);

const DOC_SUFFIX = 'https://kinesisvideo.amazonaws.com/doc/2017-09-30/';
const CORAL_SUFFIX = 'http://internal.amazon.com/coral/com.amazon.coral.service/';

/** The `x-amzn-ErrorType` value for an error name. */
export function errorTypeHeader(type: string, quirks: Quirks): string {
  return `${type}:${quirks.authErrorSuffix && AUTH_ERRORS.has(type) ? CORAL_SUFFIX : DOC_SUFFIX}`;
}

/** The JSON error body: `__type` + `Message` + `message`, or with bare bodies only one message member. */
export function errorBody(type: string, message: string, quirks: Quirks, ordinal: number): Record<string, string> {
  if (!quirks.bareErrorBodies) return { __type: type, Message: message, message };
  return ordinal % 2 === 0 ? { message } : { Message: message };
}

/** Members AWS sends as `null` when unset, per reply member (see Quirks.explicitNulls). */
const NULLABLE_STREAM_INFO = ['DeviceName', 'IngestionConfiguration'];

/**
 * The reply with explicit nulls: `NextToken: null` at the top of paged replies, and unset StreamInfo members as
 * null in `StreamInfo` / `StreamInfoList`. Returns the value unchanged when the quirk is off.
 */
export function withExplicitNulls(value: unknown, quirks: Quirks): unknown {
  if (!quirks.explicitNulls || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const reply = { ...(value as Record<string, unknown>) };
  const fillInfo = (info: unknown): unknown =>
    info !== null && typeof info === 'object'
      ? { ...Object.fromEntries(NULLABLE_STREAM_INFO.map((k) => [k, null])), ...info }
      : info;
  if ('StreamInfo' in reply) reply['StreamInfo'] = fillInfo(reply['StreamInfo']);
  if (Array.isArray(reply['StreamInfoList'])) reply['StreamInfoList'] = reply['StreamInfoList'].map(fillInfo);
  if (('Fragments' in reply || 'StreamInfoList' in reply) && !('NextToken' in reply)) reply['NextToken'] = null;
  return reply;
}
