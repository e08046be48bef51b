import { readFile, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../output/write-file-atomic.js';

/** One uploaded part, as CompleteMultipartUpload needs it back. */
export type UploadedPart = {
  readonly partNumber: number;
  readonly sizeBytes: number;
  readonly etag: string;
  /** Base64 SHA-256 of the part (S3's flexible checksum), sent with the part and again on completion. */
  readonly checksumSha256: string;
};

/**
 * What a rerun needs to finish an interrupted multipart upload without ListParts (which not every S3-compatible
 * server has): the upload id and every finished part. The source's size and SHA-256 pin it to the same bytes.
 */
export type UploadState = {
  readonly version: 1;
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly partBytes: number;
  readonly parts: readonly UploadedPart[];
};

/** Reads the upload state at `path`; null when there is none or it is unreadable (then the upload starts over). */
export async function readUploadState(path: string): Promise<UploadState | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as Partial<UploadState>;
    if (value.version !== 1 || typeof value.uploadId !== 'string' || !Array.isArray(value.parts)) return null;
    return value as UploadState;
  } catch {
    return null;
  }
}

/** Writes the state atomically (temp file + rename), so a crash leaves the old or the new state, never half. */
export async function writeUploadState(path: string, state: UploadState): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(state)}\n`);
}

/** Removes the state once the object is complete (or the upload was abandoned). */
export async function removeUploadState(path: string): Promise<void> {
  await rm(path, { force: true });
}
