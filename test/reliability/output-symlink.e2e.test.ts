/**
 * A symbolic link to a missing file under -o, through the built CLI against the bundled emulator: it is an existing
 * output (exit 7, one line, the link untouched), not a missing directory (the old `--mkdir` hint); with --force it
 * is replaced by the file, and nothing is created at the link's target (docs/resume-and-state.md, "Output files").
 */
import { existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { ffmpegReadErrors, itMedia } from '../support/ffmpeg.js';
import { runShell, snapshotTree, stderrProblems, treeChanges } from '../support/shell-cli.js';
import { baseEmulatorOptions, cliEnv, rangeArgs, STREAM, workDir } from './reliability-fixture.js';

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
  symlinkSync('gone.mp4', join(out, 'clip.mp4'));
  return { dir: out, env: cliEnv(home) };
}

describe('get -o naming a symbolic link to a missing file', () => {
  it('exits 7 with one line saying so, before any download, and leaves the link as it was', async () => {
    const { dir, env } = setup('symlink-refused');
    const before = snapshotTree(dir);
    const r = await runShell(`$K get ${STREAM} ${R} --endpoint-url ${emu.url} -o clip.mp4`, { cwd: dir, env });
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toContain(
      `kvs-clip: Output path is a symbolic link to a missing file: "${join(dir, 'clip.mp4')}"`,
    );
    expect(r.stderr).toContain('hint: pass --force to replace the link with the file, or remove it');
    expect(r.stderr).not.toContain('--mkdir');
    expect(r.stderr).not.toContain('Covered');
    expect(stderrProblems(r.stderr.slice(r.stderr.indexOf('kvs-clip: ')))).toEqual([]);
    expect(readlinkSync(join(dir, 'clip.mp4'))).toBe('gone.mp4');
    expect(treeChanges(before, snapshotTree(dir))).toEqual([]);
  });

  itMedia('replaces the link with a clean MP4 under --force and creates nothing at its target', async () => {
    const { dir, env } = setup('symlink-force');
    const r = await runShell(`$K get ${STREAM} ${R} --endpoint-url ${emu.url} -o clip.mp4 --force -q`, {
      cwd: dir,
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(dir, 'clip.mp4')).isFile()).toBe(true);
    expect(existsSync(join(dir, 'gone.mp4'))).toBe(false);
    expect(await ffmpegReadErrors(join(dir, 'clip.mp4'))).toEqual([]);
  });
});

describe('images naming a symbolic link to a missing file', () => {
  itMedia('refuses it as a picture or as the --sheet before any GetImages call, and writes nothing', async () => {
    const { dir, env } = setup('symlink-images');
    symlinkSync('gone.html', join(dir, 'sheet.html'));
    symlinkSync('gone.jpg', join(dir, 'shot_01.jpg'));
    const before = snapshotTree(dir);
    for (const [line, name] of [
      [`-o 'pic_{index:02}.jpg' --sheet sheet.html`, 'sheet.html'],
      [`-o 'shot_{index:02}.jpg'`, 'shot_01.jpg'],
    ] as const) {
      const r = await runShell(`$K images ${STREAM} ${R} --endpoint-url ${emu.url} --every 20s ${line}`, {
        cwd: dir,
        env,
      });
      expect(r.code, r.stderr).toBe(7);
      expect(r.stderr).toContain(`kvs-clip: Output path is a symbolic link to a missing file: "${name}"`);
      expect(stderrProblems(r.stderr.slice(r.stderr.indexOf('kvs-clip: ')))).toEqual([]);
    }
    expect(treeChanges(before, snapshotTree(dir))).toEqual([]);
  });
});
