import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { parseStreamFleetSpec } from '../../src/emulator/stream-fleet-spec.js';
import { runBuiltCli } from '../cli/run-built-cli.js';
import { clientEmulatorOptions } from '../support/client-emulator-options.js';
import { itMedia, packetHashes } from '../support/ffmpeg.js';

// `kvs-clip archive` once mode through the built CLI against the emulator: a fleet of 20 streams, three runs a few
// segments apart (the CLI's clock pinned with KVS_CLIP_NOW), one stream failing in the second run.

const MIN = 60_000;
const SEGMENT = MIN;
const nowMs = Math.floor(Date.now() / SEGMENT) * SEGMENT;
/** The first run's clock; the stream's archive covers the last two hours of real time. */
const firstRunMs = nowMs - 40 * MIN;
const iso = (ms: number): string => new Date(ms).toISOString();

type JsonSegment = {
  start: string;
  end: string;
  output: string | null;
  fragments: number;
  firstFragmentNumber: string | null;
  lastFragmentNumber: string | null;
};
type JsonStream = {
  stream: string;
  status: string;
  cursor: string | null;
  segments: JsonSegment[];
  error?: { code: string };
};
type Document = { ok: boolean; result?: { streams: JsonStream[] }; streams?: JsonStream[]; error?: { code: string } };

let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({
    ...clientEmulatorOptions(),
    streams: parseStreamFleetSpec('cam[01-20]=h264,fragment=2s,span=2h'),
    quotas: false,
    // cam07's first GetClip of the second run is denied (not retried): that run reports it, the next catches up.
    faults: [{ op: 'GetClip', stream: 'cam07', nth: 4, action: { kind: 'error', name: 'AccessDeniedException' } }],
  });
  dir = mkdtempSync(join(tmpdir(), 'kvs-clip-archive-'));
});

afterAll(async () => {
  await emulator.close();
});

const archive = (atMs: number, ...args: string[]) =>
  runBuiltCli(
    [
      'archive',
      '--prefix',
      'cam',
      '--segment',
      '1m',
      '--settle',
      '0',
      '--state-dir',
      'state',
      '--since',
      iso(firstRunMs - 3 * SEGMENT),
      '--no-pacing',
      '--concurrency',
      '6',
      '--json',
      '--endpoint-url',
      emulator.url,
      ...args,
    ],
    {
      cwd: dir,
      env: {
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_REGION: emulator.region,
        KVS_CLIP_NOW: String(atMs),
      },
    },
  );

/** The fragments ListFragments holds for [start, end) by server timestamp, as the emulator lists them. */
function expectedFragments(stream: string, startMs: number, endMs: number): string[] {
  return emulator
    .fragments(stream, { selector: 'SERVER_TIMESTAMP', startMs, endMs: endMs - 1 })
    .filter((fragment) => fragment.serverMs >= startMs && fragment.serverMs < endMs)
    .map((fragment) => fragment.fragmentNumber);
}

describe('kvs-clip archive (once mode)', () => {
  const segments = new Map<string, JsonSegment[]>();
  const runs: Document[] = [];

  it('archives 20 streams over three runs, reporting the stream that failed and catching it up next run', async () => {
    for (const [index, atMs] of [firstRunMs, firstRunMs + 3 * SEGMENT, firstRunMs + 6 * SEGMENT].entries()) {
      const seen = emulator.log.entries.length;
      const result = await archive(atMs);
      const document = JSON.parse(result.stdout) as Document;
      runs.push(document);
      // Each stream is described once per run, however many segments it archives (three or more here).
      const described = emulator.log.entries.slice(seen).filter((entry) => entry.op === 'DescribeStream');
      expect(described.map((entry) => entry.stream).sort(), `run ${index + 1}`).toEqual(
        Array.from({ length: 20 }, (_, i) => `cam${String(i + 1).padStart(2, '0')}`),
      );
      if (index === 1) {
        expect(result.code, result.stderr).toBe(9);
        expect(document).toMatchObject({ ok: false, error: { code: 'E_STREAMS_FAILED' } });
        expect(result.stderr).toMatch(/cam07/);
      } else expect(result.code, result.stderr).toBe(0);
      const streams = document.streams ?? document.result?.streams ?? [];
      expect(streams).toHaveLength(20);
      for (const stream of streams) {
        const failed = index === 1 && stream.stream === 'cam07';
        expect(stream.status, stream.stream).toBe(failed ? 'failed' : 'ok');
        if (failed) expect(stream.error?.code).toBe('E_AUTH');
        segments.set(stream.stream, [...(segments.get(stream.stream) ?? []), ...stream.segments]);
        // Every run leaves the healthy streams up to date: cursor at the last complete segment's end.
        if (!failed) expect(stream.cursor).toBe(iso(atMs));
      }
    }
    const third = runs[2]?.streams?.find((stream) => stream.stream === 'cam07');
    expect(third?.segments).toHaveLength(6);
  }, 240_000);

  it('gives every stream consecutive segments that hold each fragment exactly once, as ListFragments lists them', () => {
    const startMs = firstRunMs - 3 * SEGMENT;
    const endMs = firstRunMs + 6 * SEGMENT;
    expect(segments.size).toBe(20);
    for (const [stream, list] of segments) {
      const starts = list.map((segment) => Date.parse(segment.start));
      expect(starts, stream).toEqual(Array.from({ length: 9 }, (_, i) => startMs + i * SEGMENT));
      const archived: string[] = [];
      for (const segment of list) {
        const expected = expectedFragments(stream, Date.parse(segment.start), Date.parse(segment.end));
        expect(segment.fragments, `${stream} ${segment.start}`).toBe(expected.length);
        expect(segment.firstFragmentNumber).toBe(expected[0]);
        expect(segment.lastFragmentNumber).toBe(expected[expected.length - 1]);
        archived.push(...expected);
      }
      expect(archived).toEqual(expectedFragments(stream, startMs, endMs));
    }
  });

  itMedia(
    'writes segment files whose packets, in order, are exactly those of one get over the whole period',
    async () => {
      const list = segments.get('cam07') ?? [];
      const first = list[0];
      const last = list[list.length - 1];
      if (first === undefined || last === undefined) throw new Error('no segments');
      const whole = await runBuiltCli(
        [
          'get',
          'cam07',
          '--since',
          first.start,
          '--until',
          iso(Date.parse(last.end) - 1),
          '--align',
          'inside',
          '--no-pacing',
          '-o',
          'whole.mp4',
          '--endpoint-url',
          emulator.url,
        ],
        {
          cwd: dir,
          env: {
            AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
            AWS_REGION: emulator.region,
            KVS_CLIP_NOW: String(nowMs),
          },
        },
      );
      expect(whole.code, whole.stderr).toBe(0);
      const joined: string[] = [];
      for (const segment of list) joined.push(...(await packetHashes(segment.output ?? '', 'v')));
      expect(joined).toEqual(await packetHashes(join(dir, 'whole.mp4'), 'v'));
    },
    120_000,
  );

  it('leaves one state file per stream with no pending segment', async () => {
    const state = JSON.parse(await readFile(join(dir, 'state', 'cam07.state.json'), 'utf8')) as {
      stream: string;
      cursorMs: number;
      pending?: unknown;
    };
    expect(state).toMatchObject({ stream: 'cam07', cursorMs: firstRunMs + 6 * SEGMENT });
    expect(state.pending).toBeUndefined();
  });

  it('lists the segments each stream would get with --dry-run, downloading nothing', async () => {
    const result = await archive(firstRunMs + 8 * SEGMENT, '--dry-run');
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as { streams: { planned: { start: string; output: string }[] }[] };
    for (const stream of document.streams) {
      expect(stream.planned.map((segment) => segment.start)).toEqual([
        iso(firstRunMs + 6 * SEGMENT),
        iso(firstRunMs + 7 * SEGMENT),
      ]);
    }
  });
});
