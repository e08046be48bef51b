import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { UploadedPart } from './upload-state.js';

// The state file of a streaming upload (docs/s3.md, "Resume"), and S3's composite checksum over its parts.

/** What a rerun needs: the upload id, the part layout and every recorded part. */
export type StreamState = {
  readonly version: 2;
  readonly bucket: string;
  readonly key: string;
  /** Size of the held-back head (parts 1…headParts); null until the layout is fixed. */
  readonly headBytes: number | null;
  /** Parts the head goes up as, one part size each; absent in states written before the head was split: 1. */
  readonly headParts?: number;
  readonly partBytes: number;
  readonly uploadId: string | null;
  readonly parts: readonly UploadedPart[];
  /**
   * Set once CompleteMultipartUpload has succeeded, before the whole-object SHA-256 and its metadata copy: a run cut
   * between the two leaves a complete object, and its rerun finishes just that step (docs/s3.md, "Integrity").
   */
  readonly completed?: CompletedUpload;
};

/** The object CompleteMultipartUpload made, as the state records it for a rerun to finish. */
export type CompletedUpload = {
  readonly etag: string | null;
  readonly versionId: string | null;
  readonly sizeBytes: number;
  /** Bytes `[0, headBytes)` of the object are the local head file. */
  readonly headBytes: number;
  readonly checksumSha256?: string;
};

export function mergeParts(before: readonly UploadedPart[], after: readonly UploadedPart[]): UploadedPart[] {
  const byNumber = new Map(before.map((part) => [part.partNumber, part]));
  for (const part of after) byNumber.set(part.partNumber, part);
  return [...byNumber.values()].sort((a, b) => a.partNumber - b.partNumber);
}

/** S3's composite checksum of a multipart object: SHA-256 over the parts' raw SHA-256 digests, then `-N`. */
export function compositeSha256(parts: readonly UploadedPart[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(Buffer.from(part.checksumSha256, 'base64'));
  return `${hash.digest('base64')}-${parts.length}`;
}

export async function readStreamState(path: string): Promise<StreamState | null> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<StreamState>;
    return value.version === 2 && Array.isArray(value.parts) ? (value as StreamState) : null;
  } catch {
    return null; // none, or unreadable: start over
  }
}
