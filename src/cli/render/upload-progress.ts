import type { UploadEvent } from '../../download/events.js';
import { formatDuration } from '../../time/format-duration.js';
import { count } from '../../text/count.js';
import { formatBytes } from '../../text/format-bytes.js';

/** The upload half of the progress display: bytes sent, average rate, ETA against the planned bytes. */
export type UploadFigures = { readonly bytes: number; readonly bytesPerS: number; readonly etaS: number };

/**
 * Tracks `-o s3://…` upload events beside the download (docs/s3.md): bytes sent (parts of every object), the rate
 * since the first byte was sent, and the ETA for the planned bytes (the objects are a little larger: moov).
 */
export class UploadProgress {
  private sent = 0;
  /** Bytes sent after the first part: the rate's numerator (when the first part started is unknown). */
  private sentSinceFirst = 0;
  private firstMs: number | null = null;

  constructor(private readonly now: () => number) {}

  note(event: UploadEvent): void {
    if (event.type !== 'upload-part') return;
    this.sent += event.sizeBytes;
    // The first part's start is unknown: the rate counts from when it was sent, without its bytes.
    if (this.firstMs === null) this.firstMs = this.now();
    else this.sentSinceFirst += event.sizeBytes;
  }

  figures(plannedBytes: number): UploadFigures | undefined {
    if (this.firstMs === null) return undefined;
    const seconds = Math.max((this.now() - this.firstMs) / 1000, 0.001);
    const bytesPerS = this.sentSinceFirst / seconds;
    const etaS = bytesPerS > 0 ? Math.max(plannedBytes - this.sent, 0) / bytesPerS : Number.NaN;
    return { bytes: this.sent, bytesPerS, etaS };
  }

  /** One line for a terminal without the bar (or above it). */
  line(event: UploadEvent, plannedBytes: number): string {
    if (event.type === 'upload-resume')
      return `[upload] ${event.uri}: resuming, ${count(event.recordedParts, 'part')} already uploaded`;
    if (event.type === 'upload-done') return `[upload] ${event.uri}: complete, ${formatBytes(event.sizeBytes)}`;
    const figures = this.figures(plannedBytes);
    return `[upload] part ${event.partNumber} of ${event.uri} sent: ${uploadText(figures)}`;
  }
}

/** `12.0 MiB, 5.0 MiB/s, ETA 3s` (rate and ETA once known: after the first part, only the bytes). */
export function uploadText(figures: UploadFigures | undefined): string {
  if (figures === undefined) return 'starting';
  if (figures.bytesPerS === 0) return `${formatBytes(figures.bytes)} sent`;
  const eta = Number.isFinite(figures.etaS) ? formatDuration(Math.ceil(figures.etaS) * 1000) : '?';
  return `${formatBytes(figures.bytes)} sent, ${formatBytes(figures.bytesPerS)}/s, ETA ${eta}`;
}
