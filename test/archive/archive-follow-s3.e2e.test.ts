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
// 10 s segments) and a real s3rver. Every run starts in a fresh, empty home and staging folder (a new container:
// only the state objects carry the cursor). The first run is stopped by SIGTERM while segments are in flight with
// the default grace: they finish (each one object, its state object past it). The second is stopped with
// --grace 0 right after a GetClip started: the cut segments stay pending, with no object under their keys. The
// third is stopped while idle. Together they must give every stream consecutive segments, each one object,
// holding every ListFragments fragment exactly once. Waits are bounded by generous timeouts; nothing asserts
// durations.

const SEGMENT = 10_000;
const STREAMS = ['cam1', 'cam2', 'cam3'];
const sinceMs = Math.floor((Date.now() - 20_000) / SEGMENT) * SEGMENT;
const iso = (ms: number): string => new Date(ms).toISOString();

type Event = { type: string; stream?: string; start?: string };
type Started = Event & { type: 'segment-start'; stream: string; start: string; output: string };
type Done = Event & { type: 'segment-done'; stream: string; start: string; end: string; output: string | null } & {
  fragments: number;
  firstFragmentNumber: string | null;
  lastFragmentNumber: string | null;
};

let emulator: RunningEmulator;
let s3: TestS3;
let client: S3Client;
/** Each run: what it said, the segments in flight when SIGTERM was sent, and those still not done at its exit. */
const runs: { result: CliResult; events: Event[]; atSignal: Started[]; inFlight: Started[] }[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    streams: parseStreamFleetSpec('cam[1-3]=h264,live,fragment=1s,span=2m'),
    quotas: false,
    // Every GetClip waits a little before answering, so a segment is in flight long enough to be interrupted.
    // 3 s: long enough that a GetClip seen starting is still in flight when SIGTERM lands on a loaded machine.
    faults: [{ op: 'GetClip', action: { kind: 'latency', ms: 3_000 } }],
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
function follow(...extra: string[]): RunningCli {
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
      ...extra,
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
const inFlightOf = (events: Event[]): Started[] => {
  const done = new Set(doneOf(events).map(key));
  return events.filter((event): event is Started => event.type === 'segment-start' && !done.has(key(event)));
};

/**
 * Whether a GetClip of this started segment is in flight: after its segment-start, the stream's last part event is a
 * part-start. (A part-done after it means the body is in, and only the upload is left: too late to cut the segment.)
 */
function downloading(events: Event[], started: Started): boolean {
  const parts = events
    .slice(events.indexOf(started))
    .filter((event) => event.stream === started.stream && (event.type === 'part-start' || event.type === 'part-done'));
  return parts[parts.length - 1]?.type === 'part-start';
}

/** SIGTERMs the run, waits for its end and keeps what it said. */
async function stop(cli: RunningCli): Promise<CliResult> {
  const atSignal = inFlightOf(eventsOf(cli.stderrSoFar()));
  cli.child.kill('SIGTERM');
  const result = await cli.done;
  const events = eventsOf(result.stderr);
  runs.push({ result, events, atSignal, inFlight: inFlightOf(events) });
  return result;
}

type StateObject = { cursorMs: number; pending?: { startMs: number } };

async function stateObject(stream: string): Promise<StateObject> {
  return JSON.parse((await objectBytes(client, 'fleet', `state/${stream}.state.json`)).toString()) as StateObject;
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
  it('exits 143 on SIGTERM with segments in flight, finishing each one within the grace period', async () => {
    const cli = follow();
    await until(
      cli,
      (events) =>
        STREAMS.every((stream) => doneOf(events).filter((event) => event.stream === stream).length >= 2) &&
        inFlightOf(events).some((started) => downloading(events, started)),
      'two segments per stream archived and a GetClip of another in flight',
    );
    const result = await stop(cli);
    expect(result.code, result.stderr.slice(-2000)).toBe(143);
    expect(result.stderr).toContain('Cancelled by SIGTERM');
    // Default grace (30 s) against segments that take a few seconds: every one in flight at SIGTERM finished.
    const first = runs[0];
    expect(first?.atSignal.length, 'segments in flight at SIGTERM').toBeGreaterThan(0);
    expect(first?.inFlight.map(key), 'segments not finished at the exit').toEqual([]);
    for (const started of first?.atSignal ?? []) {
      expect(await stored(started.output), started.output).toBe(true);
      const state = await stateObject(started.stream);
      expect(state.cursorMs, key(started)).toBeGreaterThan(Date.parse(started.start));
      expect(state.pending, key(started)).toBeUndefined();
    }
  }, 200_000);

  it('leaves a segment cut by SIGTERM with --grace 0 resumable: pending in its state object, no object', async () => {
    const cli = follow('--grace', '0');
    await until(
      cli,
      (events) => doneOf(events).length > 0 && inFlightOf(events).some((started) => downloading(events, started)),
      'a GetClip in flight after a segment of this run was done',
    );
    const result = await stop(cli);
    expect(result.code, result.stderr.slice(-2000)).toBe(143);
    const cut = runs[1]?.inFlight ?? [];
    expect(cut.length, 'segments cut at SIGTERM').toBeGreaterThan(0);
    for (const started of cut) {
      const state = await stateObject(started.stream);
      expect(state.pending?.startMs ?? state.cursorMs, key(started)).toBe(Date.parse(started.start));
      expect(await stored(started.output), `${started.output} stored though cut`).toBe(false);
    }
  }, 200_000);

  it('continues in a fresh, state-less home from the state objects alone, and exits 143 when stopped idle', async () => {
    const stoppedMs = Math.max(...runs.flatMap((run) => doneOf(run.events).map((event) => Date.parse(event.end))));
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
    const third = doneOf(runs[2]?.events ?? []);
    for (const started of runs[1]?.inFlight ?? [])
      expect(
        third.some((event) => key(event) === key(started)),
        `${key(started)} archived after the restart`,
      ).toBe(true);
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
