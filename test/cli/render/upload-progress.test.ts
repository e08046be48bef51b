import { describe, expect, it } from 'vitest';
import { uploadBarLine } from '../../../src/cli/render/progress-text.js';
import { UploadProgress, uploadText } from '../../../src/cli/render/upload-progress.js';

const MIB = 1024 * 1024;
const part = (partNumber: number, sizeBytes: number) =>
  ({ type: 'upload-part', uri: 's3://b/k', partNumber, sizeBytes }) as const;

describe('UploadProgress', () => {
  it('counts every part sent, and the rate and ETA from the first part on', () => {
    let now = 1_000;
    const progress = new UploadProgress(() => now);
    expect(progress.figures(40 * MIB)).toBeUndefined();
    progress.note(part(2, 8 * MIB));
    now += 2_000;
    progress.note(part(3, 8 * MIB));
    // 16 MiB sent; 8 MiB in the 2 s since the first part: 4 MiB/s; 24 MiB left of 40: 6 s.
    expect(progress.figures(40 * MIB)).toEqual({ bytes: 16 * MIB, bytesPerS: 4 * MIB, etaS: 6 });
    expect(uploadText(progress.figures(40 * MIB))).toBe('16.8 MB sent, 4.2 MB/s, ETA 6s');
  });

  it('shows only the bytes after the first part, before any rate is known (not 0 B/s, ETA ?)', () => {
    let now = 1_000;
    const progress = new UploadProgress(() => now);
    progress.note(part(2, 8 * MIB));
    now += 500;
    expect(uploadText(progress.figures(40 * MIB))).toBe('8.4 MB sent');
    expect(progress.line(part(2, 8 * MIB), 40 * MIB)).toBe('[upload] part 2 of s3://b/k sent: 8.4 MB sent');
  });

  it('ignores resumes and completions in the byte count', () => {
    const progress = new UploadProgress(() => 0);
    progress.note({ type: 'upload-resume', uri: 's3://b/k', recordedParts: 3 });
    progress.note({ type: 'upload-done', uri: 's3://b/k', sizeBytes: 99 });
    expect(progress.figures(100)).toBeUndefined();
  });
});

describe('uploadBarLine', () => {
  const state = (bytes: number, plannedBytes: number) => ({
    bytes,
    plannedBytes,
    partsDone: 0,
    parts: 0,
    mediaDoneMs: 0,
    mediaTotalMs: 0,
    upload: { bytes, bytesPerS: 4 * MIB, etaS: 6 },
  });

  it('draws the bar, the percent of the planned bytes sent and the upload figures', () => {
    const line = uploadBarLine(state(16 * MIB, 40 * MIB), 0, 80);
    expect(line).toBe(`${'█'.repeat(10)}${'░'.repeat(14)} 40% upload 16.8 MB sent, 4.2 MB/s, ETA 6s`);
  });

  it('narrows the bar on a narrow terminal and keeps every figure', () => {
    const line = uploadBarLine(state(16 * MIB, 40 * MIB), 0, 60);
    expect(line).toMatch(/^[█░]{8,23} 40% upload 16\.8 MB sent, 4\.2 MB\/s, ETA 6s$/);
    expect(line.length).toBeLessThanOrEqual(59);
  });

  it('says starting before the first part is sent', () => {
    expect(uploadBarLine({ ...state(0, 40 * MIB), upload: undefined }, 0, 80)).toMatch(/ 0% upload starting$/);
  });
});
