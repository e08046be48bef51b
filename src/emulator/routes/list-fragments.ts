import type { EmulatedStream, StreamFragment } from '../emulated-stream.js';
import { integerInRange, optionalString, requireStream, type RequestBody } from '../request-fields.js';
import { selectFragments } from '../select-fragments.js';
import { mixSeed, seededRandom } from '../seeded-random.js';
import type { StreamStore } from '../store.js';
import { invalidArgument } from '../wire-error.js';
import { toWireSeconds } from '../wire-timestamp.js';
import { parseSelector, type TimeSelector } from './parse-selector.js';

export type ListFragmentsSettings = {
  readonly nowMs: number;
  readonly seed: number;
  /** Page size when MaxResults is absent (undocumented on AWS; stand-in 100). */
  readonly defaultPageSize: number;
  /** Emit fragments of a page in ascending ingestion order instead of a seeded shuffle. */
  readonly sorted: boolean;
  /** Eventual consistency: fragments ingested less than this long ago are not listed yet (GetClip sees them). */
  readonly visibilityDelayMs: number;
};

type Cursor = TimeSelector & { readonly stream: string; readonly slot: number };

/**
 * POST /listFragments. Pages lazily through the selected slots (no fragment list is ever built), shuffles each page
 * by seed ("Results are in no specific order, even across pages"), and returns an opaque base64 NextToken. A
 * FragmentSelector re-sent beside NextToken (SDK v3's paginator does that) is accepted and the token wins.
 * Throws WireError InvalidArgument (MaxResults, selector, token, range, retention) / ResourceNotFound.
 */
export function listFragments(
  body: RequestBody,
  store: StreamStore,
  settings: ListFragmentsSettings,
): Record<string, unknown> {
  const stream = requireStream(body, store);
  const maxResults = integerInRange(body, 'MaxResults', 1, 1000, settings.defaultPageSize);
  const token = optionalString(body, 'NextToken');
  const cursor = token === undefined ? startCursor(body, stream, settings.nowMs) : decodeCursor(token, stream);
  const page: StreamFragment[] = [];
  let nextSlot: number | undefined;
  for (const fragment of selectFragments(stream, {
    ...cursor,
    nowMs: settings.nowMs - settings.visibilityDelayMs,
    fromSlot: cursor.slot,
  })) {
    if (page.length === maxResults) {
      nextSlot = fragment.slot;
      break;
    }
    page.push(fragment);
  }
  const ordered = settings.sorted
    ? page
    : shuffle(page, seededRandom(mixSeed(settings.seed, 'page', stream.description.name, cursor.slot)));
  return {
    Fragments: ordered.map((f) => ({
      FragmentNumber: f.fragmentNumber,
      FragmentSizeInBytes: f.sizeBytes,
      ProducerTimestamp: toWireSeconds(f.producerMs),
      ServerTimestamp: toWireSeconds(f.serverMs),
      FragmentLengthInMilliseconds: f.durationMs,
    })),
    ...(nextSlot === undefined ? {} : { NextToken: encodeCursor({ ...cursor, slot: nextSlot }) }),
  };
}

/**
 * The retention check both ListFragments and GetClip apply to SERVER_TIMESTAMP ranges; the message is the one
 * observed on AWS (docs/planning.md, "Quotas, pacing and retries"). Throws WireError InvalidArgumentException.
 */
export function checkServerRetention(range: TimeSelector, stream: EmulatedStream, nowMs: number): void {
  if (range.selector === 'SERVER_TIMESTAMP' && range.endMs < nowMs - stream.description.retentionHours * 3_600_000) {
    throw invalidArgument(`End timestamp ${range.endMs} is outside of the stream retention period.`);
  }
}

function startCursor(body: RequestBody, stream: EmulatedStream, nowMs: number): Cursor {
  const range = parseSelector(body, 'FragmentSelector');
  if (range === undefined) throw invalidArgument('FragmentSelector is required when NextToken is not specified.');
  if (range.endMs < range.startMs) throw invalidArgument('StartTimestamp must be before EndTimestamp.');
  checkServerRetention(range, stream, nowMs);
  return { ...range, stream: stream.description.name, slot: 0 };
}

function encodeCursor(cursor: Cursor): string {
  const text = JSON.stringify([1, cursor.stream, cursor.selector, cursor.startMs, cursor.endMs, cursor.slot]);
  return Buffer.from(text, 'utf8').toString('base64');
}

function decodeCursor(token: string, stream: EmulatedStream): Cursor {
  const invalid = invalidArgument(`The NextToken is invalid: ${token.slice(0, 64)}`);
  if (!/^[a-zA-Z0-9+/]+={0,2}$/.test(token)) throw invalid;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(parsed) || parsed[0] !== 1 || parsed[1] !== stream.description.name) throw invalid;
  const [, name, selector, startMs, endMs, slot] = parsed as unknown[];
  if (typeof name !== 'string' || (selector !== 'PRODUCER_TIMESTAMP' && selector !== 'SERVER_TIMESTAMP')) throw invalid;
  if (typeof startMs !== 'number' || typeof endMs !== 'number' || typeof slot !== 'number') throw invalid;
  return { stream: name, selector, startMs, endMs, slot };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a !== undefined && b !== undefined) {
      out[i] = b;
      out[j] = a;
    }
  }
  return out;
}
