/**
 * A cron state path of the wrong kind: `get --state DIR` (a directory where the state file goes) and `archive
 * --state-dir FILE` (a file where the directory goes). Each is refused with exit 7, as every unusable output path is,
 * in one line naming the flag plus a hint saying what it expects, before any lock, state or request: the endpoint
 * here accepts connections and never answers, so a run that reached the network would hang until its timeout. They
 * used to give a bare `Could not write "DIR": is a directory (EISDIR)` (get) and exit 9 with an internal EEXIST or
 * ENOTDIR per stream (archive). A --state-dir that cannot be created fails its streams at once (it spun in mkdir).
 * Built CLI through a real shell (docs/resume-and-state.md, "Cron state").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runShell, snapshotTree, stderrProblems, treeChanges } from '../support/shell-cli.js';
import { startSilentEndpoint, type SilentEndpoint } from '../support/silent-endpoint.js';
import { cliEnv, rangeArgs, STREAM, workDir } from './reliability-fixture.js';

const base = workDir('state-kind');
const home = join(base.dir, '.home');
const dir = join(base.dir, 'o');
mkdirSync(home);
mkdirSync(dir);
mkdirSync(join(dir, 'states'));
writeFileSync(join(dir, 'state.json'), 'not a directory\n');
const R = rangeArgs(1).join(' ');
let silent: SilentEndpoint;
let S = '';

beforeAll(async () => {
  silent = await startSilentEndpoint();
  S = `--endpoint-url ${silent.url} --read-timeout 50`;
});

afterAll(async () => {
  await silent.close();
  base.cleanup();
});

const run = async (line: string) => {
  const before = snapshotTree(dir);
  const r = await runShell(line, { cwd: dir, env: cliEnv(home), timeoutMs: 20_000 });
  return { ...r, changes: treeChanges(before, snapshotTree(dir)), context: `${line}\nexit ${r.code}\n${r.stderr}` };
};

describe('get --state naming a directory', () => {
  it('exits 7 before any request with one line naming --state and a hint to give a file path', async () => {
    const r = await run(`$K get ${STREAM} --state states ${R} ${S} -o 'out/{start}.mp4'`);
    expect(r.code, r.context).toBe(7);
    expect(r.stderr).toContain('kvs-clip: --state "states" is a directory; it names the cron state file\n');
    expect(r.stderr).toMatch(
      /^hint: pass a file path such as --state states\/\S+, or use kvs-clip archive --state-dir/m,
    );
    expect(stderrProblems(r.stderr), r.context).toEqual([]);
    expect(r.changes).toEqual([]);
  });

  it('says the same as the error document of --json', async () => {
    const r = await run(`$K get ${STREAM} --state states/ ${R} ${S} --json -o 'out/{start}.mp4'`);
    expect(r.code, r.context).toBe(7);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe('E_OUTPUT_WRITE');
    expect(error.message).toBe('--state "states/" is a directory; it names the cron state file');
    expect(error.hint).toMatch(/--state states\/\S+/);
    expect(r.changes).toEqual([]);
  });
});

describe('archive --state-dir naming a file', () => {
  it('exits 7 before any request with one line naming --state-dir and a hint that it wants a directory', async () => {
    const r = await run(`$K archive ${STREAM} --state-dir state.json ${S} -o 'out/{stream}/{start}.mp4'`);
    expect(r.code, r.context).toBe(7);
    expect(r.stderr).toContain('kvs-clip: --state-dir "state.json" is a file, not a directory\n');
    expect(r.stderr).toMatch(/^hint: --state-dir names a directory .*kvs-clip get --state FILE/m);
    expect(stderrProblems(r.stderr), r.context).toEqual([]);
    expect(r.changes).toEqual([]);
  });

  it('refuses a --state-dir under a file the same way, also with --dry-run', async () => {
    const r = await run(`$K archive ${STREAM} --state-dir state.json/sub ${S} --dry-run -o 'out/{stream}/{start}.mp4'`);
    expect(r.code, r.context).toBe(7);
    expect(r.stderr).toContain('kvs-clip: --state-dir "state.json/sub" lies under a file, not a directory\n');
    expect(stderrProblems(r.stderr), r.context).toEqual([]);
    expect(r.changes).toEqual([]);
  });
});

describe('archive --state-dir where no directory can be created', () => {
  it('fails the stream naming the directory at once, never spinning in mkdir', async () => {
    // /proc takes no new entries: Node 20's recursive mkdir loops there forever at full CPU (make-directories.ts).
    const line = `$K archive ${STREAM} --state-dir /proc/kvs-clip-state ${S} -o 'out/{stream}/{start}.mp4'`;
    const r = await runShell(line, { cwd: dir, env: cliEnv(home), timeoutMs: 15_000 });
    expect(r.code, r.stderr).toBe(9);
    expect(r.stderr).toContain(
      'cam failed: Could not write "/proc/kvs-clip-state": no such file or directory (ENOENT)',
    );
    expect(r.stderr).toContain('kvs-clip: 1 of 1 streams failed: cam\n');
  });
});
