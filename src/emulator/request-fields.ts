import type { EmulatedStream } from './emulated-stream.js';
import type { StreamStore } from './store.js';
import { invalidArgument, streamNotFound } from './wire-error.js';

/** A parsed JSON request body (always an object; the server rejects anything else). */
export type RequestBody = Readonly<Record<string, unknown>>;

const NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,256}$/;

/**
 * Resolves StreamName / StreamARN to a stream. Throws WireError InvalidArgumentException when neither (or a malformed
 * name) is given, ResourceNotFoundException 404 when no such stream exists.
 */
export function requireStream(body: RequestBody, store: StreamStore): EmulatedStream {
  const name = optionalString(body, 'StreamName');
  const arn = optionalString(body, 'StreamARN');
  if (name === undefined && arn === undefined) throw invalidArgument('Must specify either StreamName or StreamARN.');
  if (name !== undefined && !NAME_PATTERN.test(name)) {
    throw invalidArgument(
      `1 validation error detected: Value '${name}' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+`,
    );
  }
  const stream = store.find({ name, arn });
  if (stream === undefined) throw streamNotFound();
  return stream;
}

/** The stream a request names, for logs, quotas and fault matching (no validation). */
export function streamLabel(body: RequestBody | undefined): string | undefined {
  if (body === undefined) return undefined;
  const name = body['StreamName'];
  if (typeof name === 'string') return name;
  const arn = body['StreamARN'];
  if (typeof arn === 'string') return arn.split('/')[1];
  return undefined;
}

/** A string member or undefined; throws InvalidArgumentException for a non-string value. */
export function optionalString(body: RequestBody, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidArgument(`${field} must be a string.`);
  return value;
}

/** An object member or undefined; throws InvalidArgumentException for a non-object value. */
export function optionalObject(body: RequestBody, field: string): RequestBody | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidArgument(`${field} must be an object.`);
  return value as RequestBody;
}

/**
 * An integer member within [min, max], or `fallback` when absent. Throws InvalidArgumentException with the model's
 * validation wording otherwise.
 */
export function integerInRange(body: RequestBody, field: string, min: number, max: number, fallback: number): number {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw invalidArgument(
      `1 validation error detected: Value '${JSON.stringify(value)}' at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return n;
}
