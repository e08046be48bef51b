/**
 * Crash-resume (issue 6): the built CLI is SIGKILLed at seeded points (while planning, after N bytes of clip data
 * reached the disk, around the final join and rename), then the same command runs again. The rerun must produce the
 * fault-free bytes, must not fetch the parts the killed run finished, and must leave only the output behind. SIGINT
 * must end a download with exit 130 within 2 s and resume the same way. Emulator bandwidth caps and latency make the
 * kill points land where they are meant to.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/emulator/faults.js';
import { startEmulator } from '../../src/emulator/start-emulator.js';
import { killSpawnedClis, setMaxRunningClis, startCli } from '../support/spawn-cli.js';
import { STREAM, baseEmulatorOptions, cliEnv, listTree, seeded, sha256File, workDir } from './reliability-fixture.js';
import { OUTPUT, RANGE, recordFigure, runScenario, type ScenarioRun } from './scenario.js';

const cleanups: (() => void)[] = [];
let reference: ScenarioRun;

beforeAll(async () => {
  setMaxRunningClis(4);
  reference = await runScenario({}, cleanups);
}, 150_000);

afterAll(() => {
  killSpawnedClis();
  for (const cleanup of cleanups) cleanup();
});

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  return false;
}

/** Bytes of clip data and joined output on disk (spool files and the .part), not the manifest. */
function bytesOnDisk(dir: string): number {
  return listTree(dir)
    .filter((file) => !file.isDir && !file.path.endsWith('.json') && !file.path.includes('.tmp'))
    .reduce((sum, file) => sum + file.size, 0);
}

type Manifest = { parts: { part: { startMs: number; endMs: number }; status: string }[] };

function finishedRanges(dir: string): { startMs: number; endMs: number }[] {
  const path = join(dir, `${OUTPUT}.kvsclip.json`);
  if (!existsSync(path)) return [];
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  return manifest.parts.filter((entry) => entry.status !== 'planned').map((entry) => entry.part);
}

/** The start of each GetClip range the emulator was asked for, in epoch ms. */
function requestedStarts(run: ScenarioRun): number[] {
  return run.log
    .filter((entry) => entry.op === 'GetClip')
    .map((entry) => {
      const body = entry.body as { ClipFragmentSelector?: { TimestampRange?: { StartTimestamp?: number } } };
      return Math.round((body.ClipFragmentSelector?.TimestampRange?.StartTimestamp ?? 0) * 1000);
    });
}

type KillPoint = {
  readonly name: string;
  readonly faults: readonly FaultSpec[];
  /** Resolves once the moment to kill has come (false: the run ended first). */
  readonly when: (ctx: { dir: string; getClipsLogged: () => number; exited: () => boolean }) => Promise<boolean>;
  readonly signal: 'SIGKILL' | 'SIGINT';
};

const random = seeded(20261125);
const SLOW = { op: 'GetClip', action: { kind: 'bandwidth', bytesPerSecond: 40_000 } } as const;
const byteOffsets = [0, 1, 2].map(() => 2_000 + Math.floor(random() * 300_000));
const joinPolls = [0, 1].map(() => 2 + Math.floor(random() * 10));

/** Whether the last part's spool file (named after its range) holds all the bytes it had in the reference run. */
function lastPartSpooled(dir: string): boolean {
  const doc = JSON.parse(reference.result.stdout.toString('utf8')) as {
    parts: { start: string; end: string; downloadedBytes: number }[];
  };
  const last = doc.parts[doc.parts.length - 1];
  if (last === undefined) return false;
  const name = `${OUTPUT}.kvsclip.d/${Date.parse(last.start)}-${Date.parse(last.end)}.mp4`;
  return listTree(dir).some((file) => file.path === name && file.size >= last.downloadedBytes);
}

const KILL_POINTS: readonly KillPoint[] = [
  {
    name: 'during planning (ListFragments in flight)',
    faults: [{ op: 'ListFragments', action: { kind: 'latency', ms: 3000 } }],
    signal: 'SIGKILL',
    when: async ({ dir, exited }) => {
      await new Promise((resolve) => setTimeout(resolve, 1500 + Math.floor(random() * 1000)));
      return !exited() && !existsSync(join(dir, `${OUTPUT}.kvsclip.json`));
    },
  },
  ...byteOffsets.map((offset): KillPoint => ({
    name: `during download, after ${offset} bytes reached the disk`,
    faults: [SLOW],
    signal: 'SIGKILL',
    when: ({ dir, exited }) => waitFor(() => exited() || bytesOnDisk(dir) >= offset, 60_000).then(() => !exited()),
  })),
  ...joinPolls.map((pollMs): KillPoint => ({
    // The last clip arrives slowly; the kill follows its spool file reaching full size (polled every few ms), so it
    // lands in the last parse, join, faststart rewrite, rename or manifest removal.
    name: `around the final join and rename (polled every ${pollMs} ms)`,
    faults: [{ op: 'GetClip', nth: 5, action: { kind: 'bandwidth', bytesPerSecond: 40_000 } }],
    signal: 'SIGKILL',
    when: async ({ dir, getClipsLogged, exited }) => {
      await waitFor(() => exited() || getClipsLogged() >= 4, 60_000);
      const until = Date.now() + 60_000;
      while (!exited() && Date.now() < until && !lastPartSpooled(dir))
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      return !exited();
    },
  })),
  {
    name: 'Ctrl-C (SIGINT) during download',
    faults: [SLOW],
    signal: 'SIGINT',
    when: ({ dir, exited }) => waitFor(() => exited() || bytesOnDisk(dir) >= 150_000, 60_000).then(() => !exited()),
  },
];

describe('crash and resume', () => {
  it('has a complete fault-free reference', () => {
    expect(reference.result.code, reference.result.stderr).toBe(0);
    expect(reference.outputSha).not.toBeNull();
  });

  for (const point of KILL_POINTS) {
    const title =
      point.signal === 'SIGINT'
        ? 'exits 130 within 2 s on SIGINT during download, and the rerun resumes to the identical bytes'
        : `resumes to the identical bytes after SIGKILL ${point.name}, without fetching finished parts again`;
    it.concurrent(title, async () => {
      const { dir, cleanup } = workDir('crash');
      const home = workDir('crash-home');
      cleanups.push(cleanup, home.cleanup);
      const emu = await startEmulator(baseEmulatorOptions({ faults: point.faults }));
      let killedAtBytes = 0;
      let killedRun: { code: number | null; signal: NodeJS.Signals | null; stderr: string; exitMs: number } | undefined;
      try {
        const cli = startCli(['get', STREAM, ...RANGE, '-o', OUTPUT, '--json', '--endpoint-url', emu.url], {
          cwd: dir,
          env: cliEnv(home.dir),
        });
        let exited = false;
        void cli.done.then(() => (exited = true));
        const fire = await point.when({
          dir,
          getClipsLogged: () => emu.log.ofOp('GetClip').length,
          exited: () => exited,
        });
        killedAtBytes = bytesOnDisk(dir);
        const sentAt = Date.now();
        if (fire) cli.child.kill(point.signal);
        const result = await cli.done;
        killedRun = { code: result.code, signal: result.signal, stderr: result.stderr, exitMs: Date.now() - sentAt };
      } finally {
        await emu.close();
      }
      const afterKill = listTree(dir);
      const finished = finishedRanges(dir);
      const context = `killed run: ${JSON.stringify(killedRun)}\nfiles after kill: ${JSON.stringify(afterKill.map((f) => `${f.path} ${f.size}`))}`;
      // Never a partial file under the final name: if it exists, the kill came after a complete rename.
      const outputAfterKill = existsSync(join(dir, OUTPUT));
      if (outputAfterKill) expect(sha256File(join(dir, OUTPUT)), context).toBe(reference.outputSha);
      if (point.signal === 'SIGINT') {
        expect(killedRun?.code, context).toBe(130);
        expect(killedRun?.exitMs, context).toBeLessThan(2000);
      }
      // The manifest and the spool folder kept for resume are private to the owner (the spool files inside are
      // checked, and reported, by secrets.e2e.test.ts).
      for (const file of afterKill) {
        if (file.path.endsWith('.kvsclip.json') || file.path.endsWith('.kvsclip.d')) {
          expect(file.mode & 0o077, `${file.path} ${file.mode.toString(8)}`).toBe(0);
        }
      }
      const rerun = await runScenario({ dir }, cleanups);
      const rerunContext = `${context}\nrerun stderr:\n${rerun.result.stderr}`;
      recordFigure({
        suite: 'crash-resume',
        name: point.name,
        signal: point.signal,
        killedAtBytes,
        killedExit: killedRun?.code ?? killedRun?.signal,
        exitMs: killedRun?.exitMs,
        finishedParts: finished.length,
        outputAfterKill,
        rerunExit: rerun.result.code,
        rerunGetClips: rerun.pacing.getClipCalls,
        identical: rerun.outputSha === reference.outputSha,
      });
      if (outputAfterKill) {
        // The rename had happened: the rerun refuses to overwrite (exit 7) and the file stays the reference.
        expect(rerun.result.code, rerunContext).toBe(7);
      } else {
        expect(rerun.result.code, rerunContext).toBe(0);
        expect(
          rerun.files.map((file) => file.path),
          rerunContext,
        ).toEqual([OUTPUT]);
        const starts = requestedStarts(rerun);
        for (const range of finished) expect(starts, rerunContext).not.toContain(range.startMs);
      }
      expect(rerun.outputSha, rerunContext).toBe(reference.outputSha);
    });
  }
});
