import { describe, expect, it } from 'vitest';
import type { GetOptions } from '../../../src/cli/commands/get.js';
import { toJsonResult, toRunGetOptions } from '../../../src/cli/runners/run-get-command.js';
import type { GetResult } from '../../../src/clip/get-types.js';
import type { Part } from '../../../src/plan/part.js';
import { packNumbers } from '../../../src/plan/fragment-numbers.js';

const request = {
  stream: 'cam1',
  streamArn: 'arn:aws:kinesisvideo:eu-west-1:1:stream/cam1/1',
  time: { since: '2h ago', until: '1h ago', tz: 'Europe/Berlin', selector: 'producer', align: 'inside' },
  output: {
    path: 'out/{stream}.mp4',
    force: true,
    skipExisting: false,
    mkdir: true,
    split: false,
    faststart: false,
    format: 'progressive',
    gaps: 'close',
    failOnGap: true,
  },
  download: {
    concurrency: 3,
    retries: 4,
    retryMaxTimeMs: 90_000,
    fragmentRate: 100,
    pacing: false,
    dryRun: false,
    continue: false,
    keepParts: true,
  },
  cron: { state: 'cam1.state', settleMs: 30_000 },
  postSteps: { exec: 'echo {}' },
} as const;
const options: GetOptions = {
  ...request,
  aws: { region: 'eu-west-1', local: false, logRequests: false },
  mode: { json: true, quiet: false, verbose: false, debug: false, progress: false, progressLines: false, color: false },
  logFormat: 'human',
  progressIntervalMs: 10_000,
};

describe('get runner adapters', () => {
  it('hands runGet the grouped options as they are, without what only the CLI reads', () => {
    expect(toRunGetOptions(options)).toEqual(request);
  });

  it("turns runGet's result into the get JSON document with ISO instants", () => {
    const t = Date.parse('2025-06-14T13:00:00Z');
    const part: Part = {
      index: 0,
      startMs: t,
      endMs: t + 399_999,
      firstFragmentNumber: '9',
      lastFragmentNumber: '10',
      fragmentCount: 2,
      sizeBytes: 500,
      mediaStartMs: t,
      mediaEndMs: t + 400_000,
      mediaDurationMs: 400_000,
      fragmentNumbers: packNumbers(['9', '10']),
    };
    const result: GetResult = {
      stream: 'cam1',
      window: { startMs: t, endMs: t + 3_600_000 },
      timeZone: 'UTC',
      selector: 'server',
      align: 'cover',
      covered: { startMs: t - 1000, endMs: t + 3_600_000 },
      dryRun: false,
      output: '/a/cam1.mp4',
      outputs: ['/a/cam1.mp4'],
      skipped: false,
      calls: 1,
      parts: [{ part, downloadedBytes: 520, resumed: false }],
      bytes: 600,
      fragments: 2,
      gaps: [{ startMs: t + 60_000, endMs: t + 90_000, durationMs: 30_000 }],
      retries: 2,
      durationMs: 1234,
    };
    expect(toJsonResult(result)).toEqual({
      command: 'get',
      stream: 'cam1',
      window: { start: '2025-06-14T13:00:00.000Z', end: '2025-06-14T14:00:00.000Z', durationMs: 3_600_000, tz: 'UTC' },
      selector: 'server',
      covered: { start: '2025-06-14T12:59:59.000Z', end: '2025-06-14T14:00:00.000Z', durationMs: 3_601_000 },
      dryRun: false,
      output: '/a/cam1.mp4',
      outputs: ['/a/cam1.mp4'],
      skipped: false,
      calls: 1,
      parts: [
        {
          index: 1,
          start: '2025-06-14T13:00:00.000Z',
          end: '2025-06-14T13:06:39.999Z',
          durationMs: 399_999,
          fragments: 2,
          bytes: 500,
          downloadedBytes: 520,
          resumed: false,
        },
      ],
      bytes: 600,
      fragments: 2,
      gaps: [{ start: '2025-06-14T13:01:00.000Z', end: '2025-06-14T13:01:30.000Z', durationMs: 30_000 }],
      retries: 2,
      durationMs: 1234,
    });
  });
});
