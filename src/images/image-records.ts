import type { PixelSize } from './image-size.js';

/** What became of one sampled instant. */
export type ImageRecord =
  | {
      readonly timestampMs: number;
      /** Where the picture was written; undefined when it lives only in the sheet. */
      readonly file: string | undefined;
      readonly sizeBytes: number;
      readonly size: PixelSize | undefined;
    }
  | { readonly timestampMs: number; readonly error: 'NO_MEDIA' | 'MEDIA_ERROR' };

/** A run of consecutive instants without a picture, for the same reason. */
export type ImageGap = {
  readonly firstMs: number;
  readonly lastMs: number;
  readonly images: number;
  readonly error: 'NO_MEDIA' | 'MEDIA_ERROR';
};

/** Counts and gap runs of a sampling run, built one record at a time (pure; O(gaps) memory). */
export type ImageTally = {
  readonly written: number;
  readonly bytes: number;
  readonly noMedia: number;
  readonly mediaError: number;
  readonly gaps: readonly ImageGap[];
  /** Whether the last record was a gap (so the next gap of the same kind extends it). */
  readonly inGap: boolean;
};

export const EMPTY_TALLY: ImageTally = { written: 0, bytes: 0, noMedia: 0, mediaError: 0, gaps: [], inGap: false };

/** The tally with one more record (records arrive in time order). */
export function tallyImage(tally: ImageTally, record: ImageRecord): ImageTally {
  if (!('error' in record))
    return { ...tally, written: tally.written + 1, bytes: tally.bytes + record.sizeBytes, inGap: false };
  const counts = record.error === 'NO_MEDIA' ? { noMedia: tally.noMedia + 1 } : { mediaError: tally.mediaError + 1 };
  const last = tally.gaps[tally.gaps.length - 1];
  const gaps =
    tally.inGap && last !== undefined && last.error === record.error
      ? [...tally.gaps.slice(0, -1), { ...last, lastMs: record.timestampMs, images: last.images + 1 }]
      : [...tally.gaps, { firstMs: record.timestampMs, lastMs: record.timestampMs, images: 1, error: record.error }];
  return { ...tally, ...counts, gaps, inGap: true };
}
