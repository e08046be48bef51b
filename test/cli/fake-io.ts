import { Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';
import type { CommandRunners } from '../../src/cli/program.js';
import type { GetJsonResult } from '../../src/cli/render/json.js';

/** A captured terminal: what the CLI wrote to stdout/stderr, with chosen TTY flags and environment. */
export type FakeIo = CliIo & { out(): string; err(): string; abort(reason: unknown): void };

export function fakeIo(
  options: { stdoutIsTTY?: boolean; stderrIsTTY?: boolean; env?: Record<string, string> } = {},
): FakeIo {
  const chunks = { out: [] as string[], err: [] as string[] };
  const sink = (into: string[]): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        into.push(chunk.toString());
        callback();
      },
    });
  const controller = new AbortController();
  return {
    stdout: sink(chunks.out),
    stderr: sink(chunks.err),
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    env: options.env ?? {},
    now: () => Date.parse('2025-06-15T12:00:00Z'),
    signal: controller.signal,
    out: () => chunks.out.join(''),
    err: () => chunks.err.join(''),
    abort: (reason) => controller.abort(reason),
  };
}

export const SAMPLE_GET_RESULT: GetJsonResult = {
  command: 'get',
  stream: 'cam1',
  window: { start: '2025-06-15T11:00:00.000Z', end: '2025-06-15T12:00:00.000Z', durationMs: 3_600_000, tz: 'UTC' },
  selector: 'server',
  covered: { start: '2025-06-15T10:59:58.000Z', end: '2025-06-15T12:00:00.000Z', durationMs: 3_602_000 },
  dryRun: false,
  output: 'cam1.mp4',
  outputs: ['cam1.mp4'],
  skipped: false,
  calls: 1,
  parts: [
    {
      index: 0,
      start: '2025-06-15T10:59:58.000Z',
      end: '2025-06-15T12:00:00.000Z',
      durationMs: 3_602_000,
      fragments: 1801,
      bytes: 1000,
    },
  ],
  bytes: 1000,
  fragments: 1801,
  gaps: [],
  retries: 0,
  durationMs: 12,
};

/** Runners that record the options they were called with (gh's runF) and return canned results. */
export function spyRunners(overrides: Partial<CommandRunners> = {}): {
  run: CommandRunners;
  calls: { command: string; options: unknown }[];
} {
  const calls: { command: string; options: unknown }[] = [];
  const record =
    <T>(command: string, result: T) =>
    (options: unknown): Promise<T> => {
      calls.push({ command, options });
      return Promise.resolve(result);
    };
  const run: CommandRunners = {
    get: record('get', SAMPLE_GET_RESULT),
    list: record('list', {
      command: 'list',
      stream: 'cam1',
      window: SAMPLE_GET_RESULT.window,
      selector: 'server',
      spans: [],
      gaps: [],
      fragments: 0,
      bytes: 0,
      mediaDurationMs: 0,
    } as const),
    streams: record('streams', { command: 'streams', streams: [] } as const),
    images: record('images', {
      command: 'images',
      stream: 'cam1',
      window: { start: '2025-06-14T13:00:00Z', end: '2025-06-14T14:00:00Z', durationMs: 3_600_000, tz: 'UTC' },
      selector: 'server',
      everyMs: 60_000,
      format: 'jpeg',
      images: [],
      gaps: [],
      counts: { sampled: 0, written: 0, noMedia: 0, mediaError: 0 },
      bytes: 0,
      sheet: null,
    } as const),
    join: record('join', {
      command: 'join',
      inputs: [],
      outputs: ['out.mp4'],
      format: 'progressive',
      faststart: true,
      bytes: 1,
      durationMs: 1,
      joins: 0,
      gaps: [],
      configChanges: 0,
    } as const),
    inspect: record('inspect', {
      command: 'inspect',
      file: 'a.mp4',
      bytes: 1,
      layout: 'moov-first',
      durationMs: 1,
      tracks: [],
      boxes: [],
    } as const),
    archive: record('archive', {
      command: 'archive',
      segmentMs: 3_600_000,
      shard: null,
      dryRun: false,
      cycles: 1,
      durationMs: 1,
      totals: { streams: 0, failed: 0, segments: 0, empty: 0, bytes: 0, gaps: 0 },
      streams: [],
    } as const),
    streamNames: record('streamNames', ['cam1', 'cam2']),
    ...overrides,
  };
  return { run, calls };
}
