import type { ClipMedia, EmulatedStream, SelectorType, StreamFragment } from '../emulated-stream.js';
import type { FrameRenderer } from '../render-frame.js';
import { integerInRange, optionalObject, optionalString, requireStream, type RequestBody } from '../request-fields.js';
import { firstSlotAtOrAfter } from '../select-fragments.js';
import type { StreamStore } from '../store.js';
import { WireError, invalidArgument } from '../wire-error.js';
import { parseWireTimestamp, toWireSeconds } from '../wire-timestamp.js';

/** GetImages' documented limits (service model and API reference; docs/emulator.md, "GetImages"). */
const MAX_RANGE_MS = 300_000;
const MIN_SAMPLING_MS = 200;
const MAX_SAMPLING_MS = 20_000;
/** "The default limit is 25 images per API response"; MaxResults above it still pages at 25. */
const PAGE_SIZE = 25;
const DEFAULT_JPEG_QUALITY = 80;

/** A validated GetImages request. */
export type ImagesRequest = {
  readonly selector: SelectorType;
  readonly startMs: number;
  readonly endMs: number;
  /** Undefined: the model makes SamplingInterval optional; the emulator then returns the image at the start only. */
  readonly samplingMs: number | undefined;
  readonly format: 'JPEG' | 'PNG';
  readonly quality: number;
  readonly widthPixels: number | undefined;
  readonly heightPixels: number | undefined;
  readonly pageSize: number;
  /** Index of the first instant of this page (from NextToken). */
  readonly offset: number;
};

export type GetImagesSettings = {
  readonly nowMs: number;
  readonly render: FrameRenderer;
  /** The fragment's samples as a moov-first MP4 byte stream. */
  readonly encode: (media: ClipMedia) => () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Charges the page's fragment-media points (one per image made from footage); throws when over the quota. */
  readonly chargePoints: (stream: string, points: number) => void;
};

type WireImage = { TimeStamp: number; ImageContent?: string; Error?: 'NO_MEDIA' | 'MEDIA_ERROR' };

/**
 * POST /getImages (docs/emulator.md, "GetImages"): validates the request as the service model and API reference
 * describe it, then answers one page of images, one per sampled instant `Start + k × SamplingInterval ≤ End`: the
 * frame shown at that instant in the fragment that holds it, or `NO_MEDIA` where no fragment does, or `MEDIA_ERROR`
 * where the footage cannot be decoded. Throws WireError InvalidArgumentException / ValidationException (request),
 * ResourceNotFoundException (stream), NoDataRetentionException, ClientLimitExceededException (points).
 */
export async function getImages(
  body: RequestBody,
  store: StreamStore,
  settings: GetImagesSettings,
): Promise<{ Images: WireImage[]; NextToken?: string }> {
  const request = parseImagesRequest(body);
  const stream = requireStream(body, store);
  if (stream.description.retentionHours <= 0) {
    throw new WireError(
      'NoDataRetentionException',
      400,
      'GetImages was requested for a stream that does not retain data.',
    );
  }
  const total = instantCount(request);
  const instants: number[] = [];
  for (let k = request.offset; k < Math.min(total, request.offset + request.pageSize); k += 1)
    instants.push(request.startMs + k * (request.samplingMs ?? 0));
  const found = instants.map((ms) => fragmentAtInstant(stream, request.selector, ms, settings.nowMs));
  settings.chargePoints(stream.description.name, found.filter((f) => f !== undefined).length);
  const images = await Promise.all(instants.map((ms, i) => imageAt(stream, ms, found[i], request, settings)));
  const next = request.offset + instants.length;
  return next < total ? { Images: images, NextToken: encodeToken(request, next) } : { Images: images };
}

async function imageAt(
  stream: EmulatedStream,
  ms: number,
  fragment: StreamFragment | undefined,
  request: ImagesRequest,
  settings: GetImagesSettings,
): Promise<WireImage> {
  const TimeStamp = toWireSeconds(ms);
  if (fragment === undefined) return { TimeStamp, Error: 'NO_MEDIA' };
  if (stream.description.clipError !== undefined) return { TimeStamp, Error: 'MEDIA_ERROR' };
  const media = stream.clipMedia([fragment]);
  const frame = frameShownAt(media, ms - startOf(fragment, request.selector));
  if (frame === undefined) return { TimeStamp, Error: 'MEDIA_ERROR' };
  const image = await settings.render({
    sourceKey: `${stream.description.arn}#${fragment.slot}`,
    mp4: settings.encode(media),
    frame,
    format: request.format,
    quality: request.quality,
    widthPixels: request.widthPixels,
    heightPixels: request.heightPixels,
  });
  if (image === 'media-error') return { TimeStamp, Error: 'MEDIA_ERROR' };
  return { TimeStamp, ImageContent: Buffer.from(image).toString('base64') };
}

/** Images in the whole request: Start, Start + I, … up to End inclusive (only Start without an interval). */
function instantCount(request: ImagesRequest): number {
  if (request.samplingMs === undefined) return 1;
  return Math.floor((request.endMs - request.startMs) / request.samplingMs) + 1;
}

function startOf(fragment: StreamFragment, selector: SelectorType): number {
  return selector === 'PRODUCER_TIMESTAMP' ? fragment.producerMs : fragment.serverMs;
}

/**
 * Server timestamps jitter, so consecutive fragments can leave a few milliseconds between one's end and the next's
 * start. An instant in such a seam gets the earlier fragment's last frame rather than NO_MEDIA (a stand-in:
 * docs/emulator.md, "GetImages"); a real gap is at least one fragment long.
 */
const SEAM_TOLERANCE_MS = 250;

/**
 * The visible fragment whose span [start, start + duration) holds `ms`, found by binary search (no listing); an
 * offline slot there is a gap. Visible: ingested by now and inside retention, as for ListFragments.
 */
export function fragmentAtInstant(
  stream: EmulatedStream,
  selector: SelectorType,
  ms: number,
  nowMs: number,
): StreamFragment | undefined {
  const slot = firstSlotAtOrAfter(stream, selector, ms + 1) - 1;
  if (slot < 0) return undefined;
  const fragment = stream.fragmentAt(slot);
  if (fragment === undefined) return undefined;
  if (ms >= startOf(fragment, selector) + fragment.durationMs + SEAM_TOLERANCE_MS) return undefined;
  if (fragment.serverMs > nowMs) return undefined;
  if (fragment.serverMs < nowMs - stream.description.retentionHours * 3_600_000) return undefined;
  return fragment;
}

/** The number, in presentation order, of the video frame on screen `offsetMs` into the clip (undefined: no video). */
export function frameShownAt(media: ClipMedia, offsetMs: number): number | undefined {
  const video = media.tracks.find((track) => track.kind === 'video');
  if (video === undefined || video.samples.length === 0) return undefined;
  const times = video.samples.map((s) => s.dts + s.ctsOffset);
  const first = Math.min(...times);
  const at = (offsetMs * video.timescale) / 1000;
  const shown = times.filter((t) => t - first <= at).length;
  return Math.max(0, shown - 1);
}

/** Reads and checks every request member; throws the WireError AWS documents for each violation. */
export function parseImagesRequest(body: RequestBody): ImagesRequest {
  const selector = optionalString(body, 'ImageSelectorType');
  if (selector !== 'PRODUCER_TIMESTAMP' && selector !== 'SERVER_TIMESTAMP') {
    throw invalidArgument(
      `1 validation error detected: Value '${selector ?? 'null'}' at 'imageSelectorType' failed to satisfy constraint: Member must satisfy enum value set: [PRODUCER_TIMESTAMP, SERVER_TIMESTAMP]`,
    );
  }
  const startMs = parseWireTimestamp(body['StartTimestamp'], 'startTimestamp');
  const endMs = parseWireTimestamp(body['EndTimestamp'], 'endTimestamp');
  const format = optionalString(body, 'Format');
  if (format !== 'JPEG' && format !== 'PNG') {
    throw invalidArgument(
      `1 validation error detected: Value '${format ?? 'null'}' at 'format' failed to satisfy constraint: Member must satisfy enum value set: [JPEG, PNG]`,
    );
  }
  if (endMs < startMs) throw invalidArgument('The EndTimestamp must not be earlier than the StartTimestamp.');
  if (endMs - startMs > MAX_RANGE_MS)
    throw invalidArgument('The time range between StartTimestamp and EndTimestamp must not exceed 300 seconds.');
  const sampling = body['SamplingInterval'];
  const samplingMs =
    sampling === undefined || sampling === null
      ? undefined
      : integerInRange(body, 'SamplingInterval', MIN_SAMPLING_MS, MAX_SAMPLING_MS, MIN_SAMPLING_MS);
  const maxResults = integerInRange(body, 'MaxResults', 1, 100, PAGE_SIZE);
  const widthPixels = optionalInteger(body, 'WidthPixels', 3840);
  const heightPixels = optionalInteger(body, 'HeightPixels', 2160);
  if (widthPixels !== undefined && heightPixels === undefined) {
    throw new WireError('ValidationException', 400, 'WidthPixels must be used together with HeightPixels.');
  }
  const request = {
    selector,
    startMs,
    endMs,
    samplingMs,
    format,
    quality: jpegQuality(body),
    widthPixels,
    heightPixels,
    pageSize: Math.min(maxResults, PAGE_SIZE),
    offset: 0,
  } satisfies ImagesRequest;
  const token = optionalString(body, 'NextToken');
  return token === undefined ? request : { ...request, offset: decodeToken(token, request) };
}

function optionalInteger(body: RequestBody, field: string, max: number): number | undefined {
  const value = body[field];
  return value === undefined || value === null ? undefined : integerInRange(body, field, 1, max, 1);
}

/** FormatConfig: a map whose only key is JPEGQuality, an integer 1–100 as a string; default 80. */
function jpegQuality(body: RequestBody): number {
  const config = optionalObject(body, 'FormatConfig');
  if (config === undefined) return DEFAULT_JPEG_QUALITY;
  for (const key of Object.keys(config)) {
    if (key !== 'JPEGQuality') {
      throw invalidArgument(
        `1 validation error detected: Value '${key}' at 'formatConfig' failed to satisfy constraint: Map keys must satisfy enum value set: [JPEGQuality]`,
      );
    }
  }
  const value = config['JPEGQuality'];
  if (value === undefined || value === null) return DEFAULT_JPEG_QUALITY;
  const quality = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(quality >= 1 && quality <= 100)) {
    throw invalidArgument(
      `The FormatConfig value of JPEGQuality must be an integer from 1 to 100, got '${JSON.stringify(value)}'.`,
    );
  }
  return quality;
}

const TOKEN_PATTERN = /^[a-zA-Z0-9+/]+={0,2}$/;

function tokenIdentity(request: ImagesRequest): string {
  return [request.selector, request.startMs, request.endMs, request.samplingMs ?? ''].join(':');
}

function encodeToken(request: ImagesRequest, offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, offset, of: tokenIdentity(request) }), 'utf8').toString('base64');
}

/** The page offset a NextToken carries; InvalidArgumentException for a malformed token or one of another request. */
function decodeToken(token: string, request: ImagesRequest): number {
  if (token.length > 4096 || !TOKEN_PATTERN.test(token)) {
    throw invalidArgument(
      `1 validation error detected: Value at 'nextToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9+/]+={0,2}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const fields = (parsed ?? {}) as { v?: unknown; offset?: unknown; of?: unknown };
  if (fields.v !== 1 || typeof fields.offset !== 'number' || !Number.isInteger(fields.offset) || fields.offset < 0)
    throw invalidArgument('The NextToken is not valid.');
  if (fields.of !== tokenIdentity(request))
    throw invalidArgument('The NextToken does not belong to this request: send the same range and interval with it.');
  return fields.offset;
}
