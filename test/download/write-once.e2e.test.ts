/**
 * Write once (docs/pipeline.md, "Write once"), through the built CLI: the head part streams into the output while it
 * arrives and the part behind it downloads ahead. Bodies are capped at 4 MB/s per connection, so the joiner catches up
 * with the head part's body at once and reads from it while its bytes are still arriving (two reads waiting on one
 * body: the case that hung before, issue 16). Every CLI child runs under a timeout, so a hang fails the test.
 * Judged twice: the bytes equal those of the same get without the cap (where the parts behind the head are spooled
 * whole before the joiner reaches them), and ffprobe finds in the output exactly the packets of the GetClip bodies,
 * fetched again whole into files.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { FaultSpec } from '../../src/emulator/faults.js';
import type { RequestLogEntry } from '../../src/emulator/request-log.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import type { StreamSpec } from '../../src/emulator/stream-spec.js';
import { cliEnv, iso, workDir } from '../reliability/reliability-fixture.js';
import { itMedia } from '../support/ffmpeg.js';
import { killSpawnedClis, runCli, type CliResult } from '../support/spawn-cli.js';
import { verifyJoin } from '../support/verify-join.js';

const MIN = 60_000;
const END = Math.floor(Date.now() / MIN) * MIN - 2 * MIN;
/** H.264 + AAC padded to 40× (≈ 1.2 Mbit/s): at most 30 fragments of 2 s per part, ≈ 9 MB, several 1 MiB copy blocks. */
const STREAMS: readonly StreamSpec[] = [
  { name: 'cam', source: { preset: 'h264_aac' }, fragmentSeconds: 2, spanMs: 10 * MIN, endMs: END, bitrate: 40 },
];
const SLOW: FaultSpec = { op: 'GetClip', action: { kind: 'bandwidth', bytesPerSecond: 4_000_000 } };
/** A hang ends here (SIGKILL) instead of holding up the suite; a healthy run takes a few seconds. */
const CHILD_TIMEOUT_MS = 90_000;

const cleanups: (() => void)[] = [];
let slow: RunningEmulator;
/** The same archive without faults or SigV4, for fetching the reference bodies with plain HTTP. */
let plain: RunningEmulator;

beforeAll(async () => {
  const common = { streams: STREAMS, seed: 7, caps: { maxFragments: 30 }, quotas: false } as const;
  slow = await startEmulator({ ...common, faults: [SLOW] });
  plain = await startEmulator({ ...common, auth: false });
});

afterAll(async () => {
  killSpawnedClis();
  await slow.close();
  await plain.close();
  for (const cleanup of cleanups) cleanup();
});

function dir(label: string): string {
  const made = workDir(label);
  cleanups.push(made.cleanup);
  return made.dir;
}

async function get(emu: RunningEmulator, cwd: string, args: readonly string[]): Promise<CliResult & { cwd: string }> {
  const range = ['--since', iso(END - 4 * MIN), '--until', iso(END)];
  const result = await runCli(['get', 'cam', ...range, '-o', 'out.mp4', '--json', '--endpoint-url', emu.url, ...args], {
    cwd,
    env: cliEnv(dir('home')),
    timeoutMs: CHILD_TIMEOUT_MS,
  });
  return { ...result, cwd };
}

/** Fetches the bodies of these GetClip requests again, whole, into numbered files (plain HTTP, no SigV4). */
async function fetchBodies(requests: readonly RequestLogEntry[], into: string): Promise<string[]> {
  const files: string[] = [];
  // GetClip is served at the stream's data endpoint only, as on AWS.
  const endpoint = await fetch(`${plain.url}/getDataEndpoint`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ StreamName: 'cam', APIName: 'GET_CLIP' }),
    signal: AbortSignal.timeout(30_000),
  });
  const { DataEndpoint } = (await endpoint.json()) as { DataEndpoint: string };
  for (const [i, request] of requests.entries()) {
    const response = await fetch(`${DataEndpoint.replace(/\/$/, '')}/getClip`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(30_000),
    });
    expect(response.status).toBe(200);
    const file = join(into, `body-${i}.mp4`);
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    files.push(file);
  }
  return files;
}

/** The parts the run joined, from its --json document. */
function partsOf(run: CliResult): { startMs: number; endMs: number }[] {
  const doc = JSON.parse(run.stdout.toString('utf8')) as { parts: { start: string; end: string }[] };
  return doc.parts.map((part) => ({ startMs: Date.parse(part.start), endMs: Date.parse(part.end) }));
}

/** The time range of a logged GetClip request, in epoch ms. */
function rangeOf(entry: RequestLogEntry): { startMs: number; endMs: number } {
  const range = (entry.body as { ClipFragmentSelector: { TimestampRange: Record<string, number> } })
    .ClipFragmentSelector.TimestampRange;
  return {
    startMs: Math.round((range['StartTimestamp'] ?? 0) * 1000),
    endMs: Math.round((range['EndTimestamp'] ?? 0) * 1000),
  };
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('write once', () => {
  itMedia(
    'a get whose head part arrives slower than the joiner copies it finishes with two parts in flight, with the same bytes as a spooled run and the packets of the bodies',
    async () => {
      const cwd = dir('write-once');
      slow.log.clear();
      const run = await get(slow, cwd, ['--concurrency', '2', '--no-pacing']);
      expect(run.signal, `the CLI hung and was killed after ${CHILD_TIMEOUT_MS} ms: ${run.stderr}`).toBeNull();
      expect(run.code, run.stderr).toBe(0);
      const joinedParts = partsOf(run);
      expect(joinedParts.length).toBeGreaterThanOrEqual(3);
      const served = slow.log.entries.filter((entry) => entry.op === 'GetClip' && entry.status === 200);
      // Every body was slow: the output was written while they arrived, not after.
      expect(served.every((entry) => entry.fault !== undefined)).toBe(true);
      // The first call is cut at the emulator's 30-fragment cap and re-planned: only the joined parts' bodies count.
      const used = joinedParts.map((part) => {
        const found = served.find(
          (entry) => rangeOf(entry).startMs === part.startMs && rangeOf(entry).endMs === part.endMs,
        );
        if (found === undefined) throw new Error(`no GetClip served part ${iso(part.startMs)}..${iso(part.endMs)}`);
        return found;
      });

      const bodies = await fetchBodies(used, dir('bodies'));
      // Without the cap on bandwidth, the parts behind the head finish before it reaches them: spooled whole.
      const fast = await get(plain, dir('spooled'), ['--concurrency', '4', '--no-pacing']);
      expect(fast.code, fast.stderr).toBe(0);
      expect(sha256(join(cwd, 'out.mp4'))).toBe(sha256(join(fast.cwd, 'out.mp4')));
      const verdict = await verifyJoin(join(cwd, 'out.mp4'), bodies);
      expect(verdict.failures).toEqual([]);
      expect(verdict.ok).toBe(true);
    },
    4 * CHILD_TIMEOUT_MS,
  );
});
