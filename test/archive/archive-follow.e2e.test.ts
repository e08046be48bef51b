import { existsSync, mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { parseStreamFleetSpec } from '../../src/emulator/stream-fleet-spec.js';
import { runBuiltCli } from '../cli/run-built-cli.js';
import { clientEmulatorOptions } from '../support/client-emulator-options.js';
import { itMedia, packetHashes } from '../support/ffmpeg.js';
import { killSpawnedClis, startCli, type CliResult, type RunningCli } from '../support/spawn-cli.js';
import { listFragmentNumbers } from './support/list-fragments.js';

// `kvs-clip archive --follow` in real time through the built CLI: 10 live emulator streams with 1 s fragments,
// 10 s segments. Three runs, each ended by SIGTERM: the first while segments are in flight (default grace: they
// finish), the second with --grace 0 right after a segment's GetClip started (it is cut and must stay resumable),
// the third while idle. Together the runs must give every stream consecutive segments holding each fragment of
// ListFragments exactly once. Waits are bounded by generous timeouts only; nothing asserts how long anything took.

const SEGMENT = 10_000;
const STREAMS = Array.from({ length: 10 }, (_, i) => `cam${String(i + 1).padStart(2, '0')}`);
const sinceMs = Math.floor((Date.now() - 30_000) / SEGMENT) * SEGMENT;
const iso = (ms: number): string => new Date(ms).toISOString();

type Done = {
  type: 'segment-done';
  stream: string;
  start: string;
  end: string;
  output: string | null;
  fragments: number;
  firstFragmentNumber: string | null;
  lastFragmentNumber: string | null;
  resumed: boolean;
};
type Started = { type: 'segment-start'; stream: string; start: string; output: string };
type Event = { type: string; stream?: string; start?: string };

let emulator: RunningEmulator;
let dir: string;
/** Each run: what it said, the segments in flight when SIGTERM was sent, and those still not done at its exit. */
const runs: { result: CliResult; events: Event[]; atSignal: Started[]; inFlight: Started[] }[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    ...clientEmulatorOptions(),
    streams: parseStreamFleetSpec('cam[01-10]=h264,live,fragment=1s,span=2m'),
    quotas: false,
    // Every GetClip waits a little before answering, so a segment is in flight long enough to be interrupted.
    faults: [{ op: 'GetClip', action: { kind: 'latency', ms: 1_500 } }],
  });
  dir = mkdtempSync(join(tmpdir(), 'kvs-clip-follow-'));
});

afterEach(() => killSpawnedClis());

afterAll(async () => {
  await emulator.close();
});

function follow(...extra: string[]): RunningCli {
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
      'state',
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
    {
      cwd: dir,
      timeoutMs: 200_000,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: dir,
        TZ: 'UTC',
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_REGION: emulator.region,
        AWS_CONFIG_FILE: '/nonexistent/kvs-clip-test-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kvs-clip-test-credentials',
      },
    },
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

/** Polls the child's NDJSON until `ready` holds; fails (not hangs) when it never does or the child exits. */
async function until(cli: RunningCli, ready: (events: Event[]) => boolean, what: string): Promise<Event[]> {
  const deadline = Date.now() + 150_000;
  let exited = false;
  void cli.done.then(() => (exited = true));
  for (;;) {
    const events = eventsOf(cli.stderrSoFar());
    if (ready(events)) return events;
    if (exited || Date.now() > deadline)
      throw new Error(`${what}: never happened\n${cli.stderrSoFar().split('\n').slice(-20).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const doneOf = (events: Event[]): Done[] => events.filter((event): event is Done => event.type === 'segment-done');
const key = (event: { stream?: string; start?: string }): string => `${event.stream} ${event.start}`;

/** Whether a GetClip of this started segment has begun (a part-start of its stream after its segment-start). */
function downloading(events: Event[], started: Started): boolean {
  return events
    .slice(events.indexOf(started))
    .some((event) => event.type === 'part-start' && event.stream === started.stream);
}

/** Segments started but not (yet) done in these events. */
function inFlightOf(events: Event[]): Started[] {
  const done = new Set(doneOf(events).map(key));
  return events.filter((event): event is Started => event.type === 'segment-start' && !done.has(key(event)));
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

/** Each stream's segments over all runs, oldest first. */
function segmentsByStream(): Map<string, Done[]> {
  const byStream = new Map<string, Done[]>();
  for (const run of runs)
    for (const done of doneOf(run.events)) byStream.set(done.stream, [...(byStream.get(done.stream) ?? []), done]);
  for (const list of byStream.values()) list.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  return byStream;
}

async function stateOf(stream: string): Promise<{ cursorMs: number; pending?: { startMs: number } }> {
  return JSON.parse(await readFile(join(dir, 'state', `${stream}.state.json`), 'utf8')) as {
    cursorMs: number;
    pending?: { startMs: number };
  };
}

describe('kvs-clip archive --follow (live, real time)', () => {
  it('exits 143 on SIGTERM while segments are in flight, letting them finish within the grace period', async () => {
    const cli = follow();
    // The backlog since --since is done, and a new cycle has started on a freshly completed segment.
    await until(
      cli,
      (events) => {
        const done = doneOf(events);
        const backlogDone = STREAMS.every((stream) => done.filter((event) => event.stream === stream).length >= 3);
        return backlogDone && inFlightOf(events).length > 0;
      },
      'backlog archived and a new segment started',
    );
    const result = await stop(cli);
    expect(result.code, result.stderr.slice(-2000)).toBe(143);
    expect(result.stderr).toContain('Cancelled by SIGTERM');
    // Default grace (30 s): what was in flight at SIGTERM finished, or else stayed resumable (state at its start).
    expect(runs[0]?.atSignal.length).toBeGreaterThan(0);
    for (const started of runs[0]?.inFlight ?? []) {
      const state = await stateOf(started.stream);
      expect(state.pending?.startMs ?? state.cursorMs, key(started)).toBe(Date.parse(started.start));
    }
  }, 200_000);

  it('leaves a segment cut by SIGTERM with --grace 0 resumable: pending in the state, no file under its name', async () => {
    const cli = follow('--grace', '0');
    // A segment whose download (GetClip) has begun in this run.
    await until(
      cli,
      (seen) => doneOf(seen).length > 0 && inFlightOf(seen).some((started) => downloading(seen, started)),
      'a GetClip in flight after a segment of this run was done',
    );
    const result = await stop(cli);
    expect(result.code, result.stderr.slice(-2000)).toBe(143);
    const cut = runs[1]?.inFlight ?? [];
    expect(cut.length, 'segments in flight at SIGTERM').toBeGreaterThan(0);
    for (const started of cut) {
      const state = await stateOf(started.stream);
      const at = state.pending?.startMs ?? state.cursorMs;
      expect(at, key(started)).toBe(Date.parse(started.start));
      expect(existsSync(started.output), `${started.output} exists though cut`).toBe(false);
    }
  }, 200_000);

  it('restarts exactly where it stopped, resuming the cut segments, and exits 143 when stopped idle', async () => {
    const cut = runs[1]?.inFlight ?? [];
    const resumedPending = new Set<string>();
    for (const started of cut)
      if ((await stateOf(started.stream)).pending !== undefined) resumedPending.add(key(started));
    const stoppedMs = Math.max(...runs.flatMap((run) => doneOf(run.events).map((event) => Date.parse(event.end))));
    const cli = follow();
    // Six more segments (a minute of live video) for every stream past the last one archived so far, then an idle
    // wait (mid-segment).
    await until(
      cli,
      (events) =>
        STREAMS.every((stream) =>
          doneOf(events).some((event) => event.stream === stream && Date.parse(event.end) >= stoppedMs + 6 * SEGMENT),
        ) && events[events.length - 1]?.type === 'idle',
      'six more segments per stream, then idle',
    );
    const result = await stop(cli);
    expect(result.code, result.stderr.slice(-2000)).toBe(143);
    const third = doneOf(runs[2]?.events ?? []);
    for (const started of cut) {
      const record = third.find((event) => key(event) === key(started));
      expect(record, `${key(started)} archived after the restart`).toBeDefined();
      expect(record?.resumed).toBe(resumedPending.has(key(started)));
    }
  }, 200_000);

  it('gives every stream consecutive segments holding each ListFragments fragment exactly once', async () => {
    const byStream = segmentsByStream();
    expect([...byStream.keys()].sort()).toEqual(STREAMS);
    for (const [stream, list] of byStream) {
      const starts = list.map((segment) => Date.parse(segment.start));
      expect(starts, stream).toEqual(starts.map((_, i) => sinceMs + i * SEGMENT));
      const last = list[list.length - 1];
      const endMs = last === undefined ? sinceMs : Date.parse(last.end);
      const archived: string[] = [];
      for (const segment of list) {
        const expected = await listFragmentNumbers(
          emulator,
          stream,
          Date.parse(segment.start),
          Date.parse(segment.end),
        );
        expect(expected.length, `${stream} ${segment.start}`).toBeGreaterThan(0);
        expect(segment.fragments, `${stream} ${segment.start}`).toBe(expected.length);
        expect([segment.firstFragmentNumber, segment.lastFragmentNumber]).toEqual([expected[0], expected.at(-1)]);
        expect(segment.output !== null && existsSync(segment.output), `${segment.output}`).toBe(true);
        archived.push(...expected);
      }
      expect(archived, stream).toEqual(await listFragmentNumbers(emulator, stream, sinceMs, endMs));
      expect(await stateOf(stream)).toMatchObject({ cursorMs: endMs });
      expect((await stateOf(stream)).pending).toBeUndefined();
    }
  }, 120_000);

  itMedia(
    "writes files whose packets, in order, are exactly one get's over the whole period (a cut stream and another)",
    async () => {
      const byStream = segmentsByStream();
      const cutStream = runs[1]?.inFlight[0]?.stream ?? 'cam01';
      for (const stream of new Set([cutStream, cutStream === 'cam10' ? 'cam01' : 'cam10'])) {
        const list = byStream.get(stream) ?? [];
        const first = list[0];
        const last = list[list.length - 1];
        if (first === undefined || last === undefined) throw new Error(`${stream}: no segments`);
        const whole = await runBuiltCli(
          [
            'get',
            stream,
            '--since',
            first.start,
            '--until',
            iso(Date.parse(last.end) - 1),
            '--align',
            'inside',
            '--no-pacing',
            '-o',
            `${stream}-whole.mp4`,
            '--endpoint-url',
            emulator.url,
          ],
          {
            cwd: dir,
            env: {
              AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
              AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
              AWS_REGION: emulator.region,
            },
          },
        );
        expect(whole.code, whole.stderr).toBe(0);
        const joined: string[] = [];
        for (const segment of list) joined.push(...(await packetHashes(segment.output ?? '', 'v')));
        expect(joined, stream).toEqual(await packetHashes(join(dir, `${stream}-whole.mp4`), 'v'));
      }
    },
    120_000,
  );
});
