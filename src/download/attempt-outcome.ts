import { MediaError } from '../errors/media-error.js';
import type { Part } from '../plan/part.js';
import { UnreadableClipError } from './clip-checks.js';

/**
 * The response held less media than the part planned (GetClip cut it silently at its 100 MB / 200 fragment cap):
 * `replacement` are the parts that fetch what is missing, from the replanner.
 */
export type Truncated = {
  readonly kind: 'truncated';
  readonly receivedMs: number;
  readonly replacement: readonly Part[];
};

/** GetClip refused the part's range for its codec configuration: split the part and fetch both halves. */
export type CodecChange = { readonly kind: 'codec-change'; readonly rejection: MediaError };

/**
 * What one GetClip attempt of a part came to (docs/pipeline.md, "Attempt outcomes"). Truncation and a codec change
 * are expected answers, returned rather than thrown, so the retry loop never counts them as failed attempts; a
 * failure (throttle, reset, 5xx, a body that does not parse) is still thrown and retried.
 */
export type AttemptOutcome<Fetched> = { readonly kind: 'fetched'; readonly fetched: Fetched } | Truncated | CodecChange;

/**
 * Whether a clip of `receivedMs` media falls short of `part`: a complete clip covers every planned fragment, so
 * missing more than half an average fragment means at least one was cut. A one-fragment part is never short (its
 * duration is the fragment's own, whatever the listing said).
 */
export function isShortOfPlan(part: Part, receivedMs: number): boolean {
  const averageMs = part.mediaDurationMs / Math.max(1, part.fragmentCount);
  return part.fragmentCount > 1 && receivedMs < part.mediaDurationMs - averageMs / 2;
}

/**
 * The codec-change outcome of a failed GetClip call, or null for any other failure. GetClip rejects a codec private
 * data change inside one call, under an error name AWS does not document (docs/emulator.md, "Known unknowns of real
 * GetClip output"), so every codec rejection of the call counts: `E_CODEC_CHANGE` (InvalidCodecPrivateData) and
 * `E_MEDIA_UNSUPPORTED`. A clip that arrived but holds a codec the joiner cannot read (UnreadableClipError) is not one.
 */
export function codecChangeOf(error: unknown): CodecChange | null {
  if (!(error instanceof MediaError) || error instanceof UnreadableClipError) return null;
  if (error.code !== 'E_CODEC_CHANGE' && error.code !== 'E_MEDIA_UNSUPPORTED') return null;
  return { kind: 'codec-change', rejection: error };
}

/**
 * The error for a codec rejection of a part that cannot be split any more (one fragment): `E_CODEC_CHANGE` says so in
 * the part's words; any other rejection (an unsupported media type, missing codec private data) stays what GetClip
 * said.
 */
export function unsplittableCodecChange(label: string, part: Part, rejection: MediaError): MediaError {
  if (rejection.code !== 'E_CODEC_CHANGE') return rejection;
  return new MediaError(
    'E_CODEC_CHANGE',
    `${label}: GetClip refuses the codec private data of fragment ${part.firstFragmentNumber} even on its own, so the codec change cannot be split around`,
    { cause: rejection, ...(rejection.hint === undefined ? {} : { hint: rejection.hint }) },
  );
}
