import type { ClipError, ClipMedia, EmulatedStream, StreamFragment } from '../emulated-stream.js';
import { requireStream, type RequestBody } from '../request-fields.js';
import { selectFragments } from '../select-fragments.js';
import type { StreamStore } from '../store.js';
import { WireError, invalidArgument, statusForErrorType } from '../wire-error.js';
import { parseSelector } from './parse-selector.js';
import { checkServerRetention } from './list-fragments.js';

/** GetClip's per-call output caps (AWS: 200 fragments / 100 MB, taken as 10^6 bytes; kvs-api.md §6.1). */
export type ClipCaps = { readonly maxFragments: number; readonly maxBytes: number };

export const DEFAULT_CLIP_CAPS: ClipCaps = { maxFragments: 200, maxBytes: 100_000_000 };

/**
 * The error for a codec-private-data change inside one GetClip range. AWS documents that "an error will be returned"
 * but not its name (kvs-api.md §6.1). InvalidCodecPrivateDataException is modeled for GetClip, is a 400, and says
 * what is wrong with the requested fragments' CPD, so SDKs raise a typed class; configurable in case AWS differs.
 */
export const DEFAULT_CPD_CHANGE_ERROR = 'InvalidCodecPrivateDataException';

export type GetClipSettings = {
  readonly nowMs: number;
  readonly caps: ClipCaps;
  readonly cpdChangeError: string;
};

export type SelectedClip = {
  readonly stream: EmulatedStream;
  readonly fragments: readonly StreamFragment[];
  readonly media: ClipMedia;
};

const DAY_MS = 24 * 3_600_000;

/**
 * POST /getClip semantics (kvs-api.md §6.1, §10.1.5): validates the range, selects Start ≤ fragmentStart ≤ End,
 * truncates silently at the caps, and returns the clip's media (the server streams it). Throws WireError:
 * InvalidArgument (range, future SERVER end, server-side retention edge), ResourceNotFound (stream; "No fragments
 * found…"), NoDataRetention, and the configured CPD-change error.
 */
export function getClip(body: RequestBody, store: StreamStore, settings: GetClipSettings): SelectedClip {
  const range = parseSelector(body, 'ClipFragmentSelector');
  if (range === undefined) throw invalidArgument('ClipFragmentSelector is required.');
  const stream = requireStream(body, store);
  if (stream.description.retentionHours <= 0) {
    throw new WireError(
      'NoDataRetentionException',
      400,
      'The stream has no data retention; GetClip needs archived media.',
    );
  }
  if (range.endMs <= range.startMs) throw invalidArgument('The EndTimestamp must be later than the StartTimestamp.');
  if (range.endMs - range.startMs > DAY_MS)
    throw invalidArgument('The EndTimestamp must be within 24 hours of the StartTimestamp.');
  if (range.selector === 'SERVER_TIMESTAMP' && range.endMs > settings.nowMs) {
    throw invalidArgument('The EndTimestamp must be in the past for SERVER_TIMESTAMP.');
  }
  checkServerRetention(range, stream, settings.nowMs);
  const fragments: StreamFragment[] = [];
  let bytes = 0;
  for (const fragment of selectFragments(stream, { ...range, nowMs: settings.nowMs })) {
    if (fragments.length >= settings.caps.maxFragments) break;
    if (fragments.length > 0 && bytes + fragment.sizeBytes > settings.caps.maxBytes) break;
    fragments.push(fragment);
    bytes += fragment.sizeBytes;
  }
  if (fragments.length === 0) {
    throw new WireError('ResourceNotFoundException', 404, 'No fragments found in the stream for the clip request.');
  }
  if (stream.description.clipError !== undefined) throw producerMediaError(stream.description.clipError);
  const firstConfig = fragments[0]?.configId;
  const changed = fragments.find((f) => f.configId !== firstConfig);
  if (changed !== undefined) {
    throw new WireError(
      settings.cpdChangeError,
      statusForErrorType(settings.cpdChangeError),
      `The codec private data changes at fragment ${changed.fragmentNumber}; CPD changes are not supported between the target fragments of one clip.`,
    );
  }
  return { stream, fragments, media: stream.clipMedia(fragments) };
}

/**
 * The two producer-side errors seen from real GetClip calls, with the model's statuses (400) and wording after the
 * model's documentation of each exception.
 */
function producerMediaError(kind: ClipError): WireError {
  return kind === 'unsupported-media-type'
    ? new WireError(
        'UnsupportedStreamMediaTypeException',
        400,
        'The type of the media could not be determined from the codec IDs of the tracks in the first fragment.',
      )
    : new WireError(
        'MissingCodecPrivateDataException',
        400,
        'No codec private data was found in at least one of the tracks of the video stream.',
      );
}
