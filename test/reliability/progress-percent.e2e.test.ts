/**
 * The progress percent never reads 100 % before the download is done. The plan's bytes are the listing's
 * FragmentSizeInBytes; GetClip bodies carry the MP4 boxes on top (about 4.5 % more on the emulator's H.264 stream), so
 * the byte fraction passes 1 while the last part is still arriving, and the line used to say `Progress 100% 727
 * kB/704 kB, part 0/1 … ETA 0s` there. A GetClip slowed to 100 kB/s (the emulator's bandwidth fault) makes that
 * stretch last about 0.2 s, and `--progress-interval 100ms` prints lines inside it. Built CLI through a real shell.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { runShell } from '../support/shell-cli.js';
import { cliEnv, rangeArgs, STREAM, STREAMS, workDir } from './reliability-fixture.js';

const base = workDir('progress-percent');
const home = join(base.dir, '.home');
mkdirSync(home);
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({
    streams: STREAMS,
    seed: 7,
    quotas: false,
    faults: [{ op: 'GetClip', action: { kind: 'bandwidth', bytesPerSecond: 100_000 } }],
  });
});

afterAll(async () => {
  await emu.close();
  base.cleanup();
});

const UNITS: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 };
const bytesOf = (text: string): number => {
  const match = /^([\d.]+) ?(B|kB|MB|GB)$/.exec(text);
  if (match === null) throw new Error(`not a size: ${text}`);
  return Number(match[1]) * (UNITS[match[2] ?? 'B'] ?? 1);
};

describe('get --progress lines while GetClip sends more bytes than the listing promised', () => {
  it('shows at most 99 % until the part is done, then the run ends normally', async () => {
    const line = `$K get ${STREAM} ${rangeArgs(2).join(' ')} --endpoint-url ${emu.url} --progress lines --progress-interval 100ms -o out.mp4`;
    const r = await runShell(line, { cwd: base.dir, env: cliEnv(home), timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n');
    const doneAt = lines.findIndex((text) => text.startsWith('[part 1/1] downloaded'));
    expect(doneAt, r.stderr).toBeGreaterThan(0);
    const progress = lines
      .slice(0, doneAt)
      .map((text) => /^Progress (\d+)% (\S+ \S+)\/(\S+ \S+), part 0\/1,/.exec(text))
      .filter((match) => match !== null)
      .map((match) => ({
        percent: Number(match[1]),
        bytes: bytesOf(match[2] ?? ''),
        planned: bytesOf(match[3] ?? ''),
      }));
    // The case under test happened: lines while more bytes than planned had arrived and the part was not done.
    expect(progress.filter((p) => p.bytes >= p.planned).length, r.stderr).toBeGreaterThan(0);
    expect(progress.map((p) => p.percent).filter((percent) => percent > 99)).toEqual([]);
    expect(Math.max(...progress.map((p) => p.percent))).toBe(99);
  });
});
