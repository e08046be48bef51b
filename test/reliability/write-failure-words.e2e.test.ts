/**
 * What a user reads when a write is refused or fails, through the built CLI against the bundled emulator: a full
 * stdout under `-o -` says the words README promises (`Could not write to stdout: no space left on device (ENOSPC)`),
 * and join and images, which have no --skip-existing, do not offer it in the hint for an existing output.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { itMedia } from '../support/ffmpeg.js';
import { runShell, stderrProblems } from '../support/shell-cli.js';
import { baseEmulatorOptions, cliEnv, rangeArgs, STREAM, workDir } from './reliability-fixture.js';

const isRoot = process.getuid?.() === 0;
const R = rangeArgs(1).join(' ');
let emu: RunningEmulator;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  emu = await startEmulator(baseEmulatorOptions({ quotas: false }));
});

afterAll(async () => {
  await emu.close();
  for (const cleanup of cleanups) cleanup();
});

function setup(label: string): { dir: string; env: Record<string, string> } {
  const { dir, cleanup } = workDir(label);
  cleanups.push(cleanup);
  const home = join(dir, '.home');
  mkdirSync(home);
  const out = join(dir, 'o');
  mkdirSync(out);
  return { dir: out, env: cliEnv(home) };
}

describe('write failures in words', () => {
  it.runIf(isRoot)(
    'says "Could not write to stdout: no space left on device (ENOSPC)" for get and join -o - into a full device',
    async () => {
      const { dir, env } = setup('words-full-stdout');
      execFileSync('mknod', [join(dir, 'full'), 'c', '1', '7']);
      const made = await runShell(`$K get ${STREAM} ${R} --endpoint-url ${emu.url} -o clip.mp4 -q`, { cwd: dir, env });
      expect(made.code, made.stderr).toBe(0);
      for (const line of [
        `$K get ${STREAM} ${R} --endpoint-url ${emu.url} -o - -q > full`,
        `$K join clip.mp4 clip.mp4 -o - -q > full`,
      ]) {
        const r = await runShell(line, { cwd: dir, env });
        expect(r.code, `${line}\n${r.stderr}`).toBe(7);
        expect(r.stderr).toMatch(/^kvs-clip: Could not write to stdout: no space left on device \(ENOSPC\)$/m);
        expect(stderrProblems(r.stderr), `${line}\n${r.stderr}`).toEqual([]);
      }
    },
  );

  it('offers only --force for an existing join output, which has no --skip-existing, and leaves it as it was', async () => {
    const { dir, env } = setup('words-join-exists');
    const made = await runShell(`$K get ${STREAM} ${R} --endpoint-url ${emu.url} -o clip.mp4 -q`, { cwd: dir, env });
    expect(made.code, made.stderr).toBe(0);
    writeFileSync(join(dir, 'joined.mp4'), 'mine');
    const r = await runShell(`$K join clip.mp4 -o joined.mp4`, { cwd: dir, env });
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toContain('hint: pass --force to overwrite\n');
    expect(r.stderr).not.toContain('--skip-existing');
    expect(readFileSync(join(dir, 'joined.mp4'), 'utf8')).toBe('mine');
  });

  itMedia('offers only --force for an existing picture or sheet, as images has no --skip-existing', async () => {
    const { dir, env } = setup('words-images-exists');
    writeFileSync(join(dir, 'shot_01.jpg'), 'mine');
    writeFileSync(join(dir, 'sheet.html'), 'mine');
    for (const line of [`-o 'shot_{index:02}.jpg'`, `-o 'pic_{index:02}.jpg' --sheet sheet.html`]) {
      const r = await runShell(`$K images ${STREAM} ${R} --endpoint-url ${emu.url} --every 20s ${line}`, {
        cwd: dir,
        env,
      });
      expect(r.code, r.stderr).toBe(7);
      expect(r.stderr).toContain('hint: pass --force to overwrite\n');
      expect(r.stderr).not.toContain('--skip-existing');
    }
    expect(readFileSync(join(dir, 'shot_01.jpg'), 'utf8')).toBe('mine');
  });
});
