import type { SelectorType } from '../emulated-stream.js';
import { optionalObject, optionalString, type RequestBody } from '../request-fields.js';
import { invalidArgument } from '../wire-error.js';
import { parseWireTimestamp } from '../wire-timestamp.js';

export type TimeSelector = { readonly selector: SelectorType; readonly startMs: number; readonly endMs: number };

/**
 * Reads `FragmentSelector` (ListFragments) or `ClipFragmentSelector` (GetClip): the selector type and the
 * inclusive timestamp range in epoch ms. Returns undefined when the member is absent. Throws WireError
 * InvalidArgumentException for a bad type, a missing range or non-numeric timestamps.
 */
export function parseSelector(body: RequestBody, field: string): TimeSelector | undefined {
  const selector = optionalObject(body, field);
  if (selector === undefined) return undefined;
  const type = optionalString(selector, 'FragmentSelectorType');
  if (type !== 'PRODUCER_TIMESTAMP' && type !== 'SERVER_TIMESTAMP') {
    throw invalidArgument(
      `1 validation error detected: Value '${type ?? 'null'}' at '${field.charAt(0).toLowerCase()}${field.slice(1)}.fragmentSelectorType' failed to satisfy constraint: Member must satisfy enum value set: [PRODUCER_TIMESTAMP, SERVER_TIMESTAMP]`,
    );
  }
  const range = optionalObject(selector, 'TimestampRange');
  if (range === undefined) throw invalidArgument(`${field}.TimestampRange is required.`);
  return {
    selector: type,
    startMs: parseWireTimestamp(range['StartTimestamp'], `${field}.TimestampRange.StartTimestamp`),
    endMs: parseWireTimestamp(range['EndTimestamp'], `${field}.TimestampRange.EndTimestamp`),
  };
}
