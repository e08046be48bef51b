import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { parseStreamFleetSpec } from '../../src/emulator/stream-fleet-spec.js';
import { createS3Client } from '../../src/s3/s3-client.js';
import { objectBytes, s3CliEnv } from '../support/s3-cli.js';
import { startTestS3, type TestS3 } from '../support/s3rver.js';
import { killSpawnedClis, startCli, type CliResult, type RunningCli } from '../support/spawn-cli.js';
import { listFragmentNumbers } from './support/list-fragments.js';

// `kvs-clip archive --follow -o s3://… --state-dir s3://…` in real time: 3 live emulator streams (1 s fragments,
// 10 s segments) and a real s3rver. The first run is stopped by SIGTERM while segments are in flight; the second
// starts in a fresh, empty home and staging folder (a new container: only the state objects carry the cursor) and
// is stopped while idle. Together they must give every stream consecutive segments, each one object, holding every
// ListFragments fragment exactly once. Waits are bounded by generous timeouts; nothing asserts durations.

const SEGMENT = 10_000;
const STREAMS = ['cam1', 'cam2', 'cam3'];
const sinceMs = Math.floor((Date.now() - 20_000) / SEGMENT) * SEGMENT;
const iso = (ms: number): string => new Date(ms).toISOString();

type Event = { type: string; stream?: string; start?: string };
type Done = Event & { type: 'segment-done'; stream: string; start: string; end: string; output: string | null } & {
  fragments: number;
  firstFragmentNumber: string | null;
  lastFragmentNumber: string | null;
};

let emulator: RunningEmulator;
let s3: TestS3;
let client: S3Client;
const runs: { result: CliResult; events: Event[] }[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    streams: parseStreamFleetSpec('cam[1-3]=h264,live,fragment=1s,span=2m'),
    quotas: false,
    // Every GetClip waits a little before answering, so a segment is in flight long enough to be interrupted.
    faults: [{ op: 'GetClip', action: { kind: 'latency', ms: 1_500 } }],
  });
  s3 = await startTestS3({ buckets: ['fleet'] });
  client = createS3Client({ endpointUrl: s3.url, region: 'us-east-1', credentials: s3.credentials });
});

afterEach(() => killSpawnedClis());

afterAll(async () => {
  client.destroy();
  await emulator.close();
  await s3.close();
});

/** A follow run in a fresh home (its own empty staging folder). */
function follow(): RunningCli {
  const home = mkdtempSync(join(tmpdir(), 'kvs-clip-follow-s3-'));
  return startCli(
    [
      'archive',
      '--prefix',
      'cam',
      '--segment',
      '10s',
      '--settle',
      '3s',
      '--follow',
      '--state-dir',
      's3://fleet/state',
      '-o',
      's3://fleet/live/{stream}/{start:%H%M%S}.mp4',
      '--since',
      iso(sinceMs),
      '--no-pacing',
      '--concurrency',
      '4',
      '--log-format',
      'json',
      '--endpoint-url',
      emulator.url,
    ],
    { cwd: home, timeoutMs: 200_000, env: s3CliEnv(s3, home) },
  );
}

function eventsOf(stderr: string): Event[] {
  const events: Event[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      events.push(JSON.parse(line) as Event);
    } catch {
      // A line cut by the read in progress: the next poll sees it whole.
    }
  }
  return events;
}

async function until(cli: RunningCli, ready: (events: Event[]) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 150_000;
  let exited = false;
  void cli.done.then(() => (exited = true));
  while (!ready(eventsOf(cli.stderrSoFar()))) {
    if (exited || Date.now() > deadline)
      throw new Error(`${what}: never happened\n${cli.stderrSoFar().split('\n').slice(-20).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const doneOf = (events: Event[]): Done[] => events.filter((event): event is Done => event.type === 'segment-done');
const key = (event: Event): string => `${event.stream} ${event.start}`;
const inFlightOf = (events: Event[]): Event[] => {
  const done = new Set(doneOf(events).map(key));
  return events.filter((event) => event.type === 'segment-start' && !done.has(key(event)));
};

async function stop(cli: RunningCli): Promise<CliResult> {
  cli.child.kill('SIGTERM');
  const result = await cli.done;
  runs.push({ result, events: eventsOf(result.stderr) });
  return result;
}

async function stored(uri: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: 'fleet', Key: uri.replace('s3://fleet/', '') }));
    return true;
  } catch {
    return false;
  }
}

describe('kvs-clip archive --follow to S3 (live, real time)', () => {
  it('exits 143 on SIGTERM with segments in flight, leaving each one done or resumable in its state object', async () => {
    const cli = follow();
    await until(
      cli,
      (events) =>
        STREAMS.every((stream) => doneOf(events).filter((event) => event.stream === stream).length >= 2) &&
        inFlightOf(events).length > 0,
      'two segments per stream archived and another one started',
    );
    const result = await stop(cli);
    expect(result.code, result.stderr.slice(-2000)).toBe(143);
    // What was still in flight at the exit is resumable: its state object holds it pending, or its cursor at it.
    for (const started of inFlightOf(runs[0]?.events ?? [])) {
      const state = JSON.parse(
        (await objectBytes(client, 'fleet', `state/${started.stream}.state.json`)).toString(),
      ) as { cursorMs: number; pending?: { startMs: number } };
      expect(state.pending?.startMs ?? state.cursorMs, key(started)).toBe(Date.parse(started.start ?? ''));
    }
  }, 200_000);

  it('continues in a fresh, state-less home from the state objects alone, and exits 143 when stopped idle', async () => {
    const stoppedMs = Math.max(...doneOf(runs[0]?.events ?? []).map((event) => Date.parse(event.end)));
    const cli = follow();
    await until(
      cli,
      (events) =>
        STREAMS.every((stream) =>
          doneOf(events).some((event) => event.stream === stream && Date.parse(event.end) >= stoppedMs + 3 * SEGMENT),
        ) && events[events.length - 1]?.type === 'idle',
      'three more segments per stream, then idle',
    );
    const result = await stop(cli);
    expect(result.code, result.stderr.slice(-2000)).toBe(143);
  }, 200_000);

  it('gives every stream consecutive objects holding each ListFragments fragment exactly once', async () => {
    for (const stream of STREAMS) {
      const list = runs
        .flatMap((run) => doneOf(run.events))
        .filter((event) => event.stream === stream)
        .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
      const starts = list.map((segment) => Date.parse(segment.start));
      // No gap and no segment twice, across the stop and the fresh restart.
      expect(starts, stream).toEqual(starts.map((_, i) => sinceMs + i * SEGMENT));
      const archived: string[] = [];
      for (const segment of list) {
        const expected = await listFragmentNumbers(
          emulator,
          stream,
          Date.parse(segment.start),
          Date.parse(segment.end),
        );
        expect(expected.length, key(segment)).toBeGreaterThan(0);
        expect(segment.fragments, key(segment)).toBe(expected.length);
        expect([segment.firstFragmentNumber, segment.lastFragmentNumber]).toEqual([expected[0], expected.at(-1)]);
        expect(segment.output !== null && (await stored(segment.output)), `${segment.output}`).toBe(true);
        archived.push(...expected);
      }
      const endMs = Date.parse(list.at(-1)?.end ?? iso(sinceMs));
      expect(archived, stream).toEqual(await listFragmentNumbers(emulator, stream, sinceMs, endMs));
      const state = JSON.parse((await objectBytes(client, 'fleet', `state/${stream}.state.json`)).toString()) as {
        cursorMs: number;
        pending?: unknown;
      };
      expect(state.cursorMs).toBe(endMs);
      expect(state.pending).toBeUndefined();
    }
  }, 120_000);
});
