import { describe, expect, it } from 'vitest';
import type { GetEvent } from '../../../src/download/events.js';
import type { Part } from '../../../src/plan/part.js';
import { createGetRenderer } from '../../../src/cli/render/human.js';
import type { OutputMode } from '../../../src/cli/options/output-mode.js';
import { fakeIo } from '../fake-io.js';
import { packNumbers } from '../../../src/plan/fragment-numbers.js';

const T0 = Date.parse('2025-06-14T13:00:00Z');
const part = (index: number): Part => ({
  index,
  startMs: T0 + index * 400_000,
  endMs: T0 + (index + 1) * 400_000 - 1,
  firstFragmentNumber: '1',
  lastFragmentNumber: '200',
  fragmentCount: 200,
  sizeBytes: 2_000_000,
  mediaStartMs: T0 + index * 400_000,
  mediaEndMs: T0 + (index + 1) * 400_000,
  mediaDurationMs: 400_000,
  fragmentNumbers: packNumbers(['1', '200']),
});
const parts = [part(0), part(1)];
const events: GetEvent[] = [
  {
    type: 'window',
    stream: 'cam1',
    window: { startMs: T0, endMs: T0 + 800_000 },
    selector: 'server',
    tz: 'UTC',
    message: 'Window A → B (13m20s, server timestamps, tz UTC)',
  },
  {
    type: 'plan',
    dryRun: false,
    message: 'Covered A → B (400 fragments, 2 parts, ≈4 MB)',
    plan: { parts, gaps: [], covered: { startMs: T0, endMs: T0 + 800_000 }, fragments: 400, bytes: 4_000_000 },
  },
  { type: 'part-start', index: 0, count: 2, part: part(0), attempt: 0 },
  { type: 'part-bytes', index: 0, count: 2, bytes: 1_000_000, totalBytes: 1_000_000 },
  {
    type: 'retry',
    op: 'GetClip',
    index: 1,
    errorName: 'ClientLimitExceededException',
    errorClass: 'throttle',
    retry: 1,
    retries: 8,
    delayMs: 2400,
    refreshEndpoint: false,
    message: 'GetClip part 2/2: ClientLimitExceededException. Retrying in 2.4 s (1/8)',
  },
  {
    type: 'part-done',
    index: 0,
    count: 2,
    part: part(0),
    bytes: 2_100_000,
    sha256: 'ab',
    resumed: false,
    requestId: 'req-0a1b',
  },
  { type: 'part-done', index: 1, count: 2, part: part(1), bytes: 2_100_000, sha256: 'cd', resumed: true },
  {
    type: 'summary',
    output: 'cam1.mp4',
    outputs: ['cam1.mp4'],
    calls: 1,
    bytes: 4_200_000,
    fragments: 400,
    gaps: 0,
    retries: 1,
    durationMs: 1000,
    message: 'Wrote cam1.mp4 (4.2 MB, 2 parts)',
  },
];
const mode = (overrides: Partial<OutputMode> = {}): OutputMode => ({
  json: false,
  quiet: false,
  verbose: false,
  debug: false,
  progress: false,
  progressLines: false,
  color: false,
  ...overrides,
});

function render(io: ReturnType<typeof fakeIo>, outputMode: OutputMode, logFormat: 'human' | 'json' = 'human'): void {
  const renderer = createGetRenderer(io, outputMode, { logFormat });
  for (const event of events) renderer.emit(event);
  renderer.close();
}

describe('get rendering', () => {
  it('prints the window, plan, retries, one plain line per finished part and the summary off a TTY', () => {
    const io = fakeIo();
    render(io, mode());
    expect(io.err().split('\n')).toEqual([
      'Window A → B (13m20s, server timestamps, tz UTC)',
      'Covered A → B (400 fragments, 2 parts, ≈4 MB)',
      'GetClip part 2/2: ClientLimitExceededException. Retrying in 2.4 s (1/8)',
      '[part 1/2] downloaded 2025-06-14T13:00:00Z → 2025-06-14T13:06:40Z: 200 fragments, 2.1 MB',
      '[part 2/2] resumed 2025-06-14T13:06:40Z → 2025-06-14T13:13:20Z: 200 fragments, 2.1 MB',
      'Wrote cam1.mp4 (4.2 MB, 2 parts)',
      '',
    ]);
    expect(io.out()).toBe('');
  });

  it('adds GetClip request IDs to part lines and says when the endpoint is looked up again, only with -v', () => {
    const refresh: GetEvent = {
      type: 'retry',
      op: 'GetClip',
      index: 1,
      errorName: 'ECONNRESET',
      errorClass: 'connection',
      retry: 2,
      retries: 8,
      delayMs: 1000,
      refreshEndpoint: true,
      message: 'GetClip part 2/2: connection reset by the server. Retrying in 1.0 s (2/8)',
    };
    const quiet = fakeIo();
    const plain = createGetRenderer(quiet, mode(), { logFormat: 'human' });
    for (const event of [...events, refresh]) plain.emit(event);
    expect(quiet.err()).not.toContain('req-0a1b');
    expect(quiet.err()).not.toContain('GetDataEndpoint');
    const loud = fakeIo();
    const verbose = createGetRenderer(loud, mode({ verbose: true }), { logFormat: 'human' });
    for (const event of [...events, refresh]) verbose.emit(event);
    expect(loud.err()).toContain(
      '[part 1/2] downloaded 2025-06-14T13:00:00Z → 2025-06-14T13:06:40Z: 200 fragments, 2.1 MB (request req-0a1b)\n',
    );
    expect(loud.err()).toContain(
      '[part 2/2] resumed 2025-06-14T13:06:40Z → 2025-06-14T13:13:20Z: 200 fragments, 2.1 MB\n',
    );
    expect(loud.err()).toContain('Retrying in 1.0 s (2/8); asking GetDataEndpoint again first');
  });

  it('lists parts with their request IDs under the bar with -v', () => {
    const io = fakeIo({ stderrIsTTY: true });
    render(io, mode({ progress: true, verbose: true }));
    expect(io.err()).toContain('(request req-0a1b)');
  });

  it('prints nothing with -q', () => {
    const io = fakeIo();
    render(io, mode({ quiet: true }));
    expect(io.err()).toBe('');
  });

  it('draws a bar with bytes, parts, media time and speed on a TTY instead of per-part lines', () => {
    const io = fakeIo({ stderrIsTTY: true });
    render(io, mode({ progress: true }));
    expect(io.err()).toMatch(/\d+% \d+(\.\d)? MB\/4\.0 MB \| part \d\/2 \| \S+ of 13m20s \| \S+ \S*B\/s \| ETA /);
    expect(io.err()).not.toContain('[part 1/2]');
    expect(io.err()).toContain('Wrote cam1.mp4');
  });

  it('writes NDJSON events without fragment lists or byte ticks for --log-format json', () => {
    const io = fakeIo();
    render(io, mode(), 'json');
    const lines = io
      .err()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.type)).toEqual([
      'window',
      'plan',
      'part-start',
      'retry',
      'part-done',
      'part-done',
      'summary',
    ]);
    // Indexes count from 1 in NDJSON too, as [part 1/N] and the --json document.
    expect(lines[2].index).toBe(1);
    expect(lines[1].parts[0]).toEqual({
      index: 1,
      start: '2025-06-14T13:00:00.000Z',
      end: '2025-06-14T13:06:39.999Z',
      fragments: 200,
      bytes: 2_000_000,
    });
    expect(lines.every((line) => typeof line.time === 'string')).toBe(true);
    expect(io.err()).not.toContain('fragmentNumbers');
  });
});
