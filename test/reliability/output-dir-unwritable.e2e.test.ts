/**
 * An output directory kvs-clip cannot write into (a read-only mount here; a directory of another user alike) is
 * refused before any request, naming the directory, through the built CLI against the bundled emulator. It used to
 * fail only after DescribeStream and the listing, naming a scratch file (`out.mp4.kvsclip.d`). Needs root for
 * `mount`; skipped otherwise.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { runShell, snapshotTree, stderrProblems, treeChanges } from '../support/shell-cli.js';
import { baseEmulatorOptions, cliEnv, rangeArgs, STREAM, workDir } from './reliability-fixture.js';

const R = rangeArgs(1).join(' ');
const base = workDir('unwritable');
const home = join(base.dir, '.home');
const readOnly = join(base.dir, 'ro');
mkdirSync(home);
mkdirSync(readOnly);
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', readOnly], { stdio: 'ignore' });
  mounted = true;
} catch {
  // Not root: the suite is skipped.
}
let emu: RunningEmulator;

beforeAll(async () => {
  if (mounted) emu = await startEmulator(baseEmulatorOptions({ quotas: false }));
});

afterAll(async () => {
  await emu?.close();
  if (mounted) execFileSync('umount', [readOnly], { stdio: 'ignore' });
  base.cleanup();
});

describe.skipIf(!mounted)('get into a directory it cannot write', () => {
  it('exits 7 with one line naming the directory, before any request', async () => {
    const before = snapshotTree(base.dir);
    const r = await runShell(`$K get ${STREAM} ${R} --endpoint-url ${emu.url} -o ro/out.mp4`, {
      cwd: base.dir,
      env: cliEnv(home),
    });
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toContain(`kvs-clip: Could not write "${readOnly}": read-only file system (EROFS)`);
    expect(r.stderr).not.toContain('Covered');
    expect(stderrProblems(r.stderr)).toEqual([]);
    expect(treeChanges(before, snapshotTree(base.dir), ['.home'])).toEqual([]);
  });
});
