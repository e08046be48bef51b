import { describe, expect, it } from 'vitest';
import { plannedOutputs } from '../../src/clip/planned-outputs.js';
import type { GetResult } from '../../src/clip/get-types.js';
import { packNumbers } from '../../src/plan/fragment-numbers.js';
import type { Part } from '../../src/plan/part.js';

const T = Date.parse('2025-06-14T13:00:00Z');
const MIN = 60_000;

function part(index: number, startMs: number, endMs: number): Part {
  return {
    index,
    startMs,
    endMs,
    firstFragmentNumber: String(index * 2),
    lastFragmentNumber: String(index * 2 + 1),
    fragmentCount: 2,
    sizeBytes: 100,
    mediaStartMs: startMs,
    mediaEndMs: endMs,
    mediaDurationMs: endMs - startMs,
    fragmentNumbers: packNumbers([String(index * 2), String(index * 2 + 1)]),
  };
}

// Three parts, a gap between the second and the third: two runs of media.
const result: GetResult = {
  stream: 'cam1',
  window: { startMs: T, endMs: T + 30 * MIN },
  timeZone: 'UTC',
  selector: 'server',
  align: 'inside',
  covered: { startMs: T, endMs: T + 30 * MIN },
  dryRun: true,
  output: null,
  outputs: [],
  skipped: false,
  calls: 0,
  parts: [part(0, T, T + 10 * MIN), part(1, T + 10 * MIN, T + 15 * MIN), part(2, T + 20 * MIN, T + 30 * MIN)].map(
    (planned) => ({ part: planned }),
  ),
  bytes: 300,
  fragments: 6,
  gaps: [{ startMs: T + 15 * MIN, endMs: T + 20 * MIN, durationMs: 5 * MIN }],
  retries: 0,
  durationMs: 1,
};

const outputOf = (path: string, extra: { split?: boolean; gaps?: 'split' | 'close' } = {}) => ({
  stream: 'cam1',
  output: {
    path,
    force: false,
    skipExisting: false,
    mkdir: false,
    split: extra.split ?? false,
    faststart: false,
    format: 'progressive' as const,
    gaps: extra.gaps ?? 'close',
    failOnGap: false,
  },
});

describe('plannedOutputs (what a --dry-run would write)', () => {
  it('names the joined output as a local path against cwd, or as the s3:// URI of its key', () => {
    expect(plannedOutputs(outputOf('out/{stream}_{start:%H%M}.mp4'), result, '/w')).toEqual(['/w/out/cam1_1300.mp4']);
    expect(plannedOutputs(outputOf('s3://bkt/{stream}/{start:%H%M}.mp4'), result, '/w')).toEqual([
      's3://bkt/cam1/1300.mp4',
    ]);
    expect(plannedOutputs(outputOf('-'), result, '/w')).toEqual(['-']);
  });

  it('names one object per part with --split: {index} from 1, {start} the part its own', () => {
    expect(plannedOutputs(outputOf('s3://bkt/{index:02}_{start:%H%M}.mp4', { split: true }), result, '/w')).toEqual([
      's3://bkt/01_1300.mp4',
      's3://bkt/02_1310.mp4',
      's3://bkt/03_1320.mp4',
    ]);
  });

  it('names one object per run of media with --gaps split, each run named from its own span', () => {
    expect(plannedOutputs(outputOf('s3://bkt/{index}_{start:%H%M}.mp4', { gaps: 'split' }), result, '/w')).toEqual([
      's3://bkt/1_1300.mp4',
      's3://bkt/2_1320.mp4',
    ]);
  });
});
