/**
 * What `archive` prints at its end in human mode: one totals line, then (exit 9) the one error line. The totals
 * used to print twice when a stream failed (the renderer was closed before the error and again in a finally). Built
 * CLI through a real shell against the bundled emulator; `nosuch` is a stream it does not hold.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { runShell } from '../support/shell-cli.js';
import { cliEnv, iso, STREAM, STREAMS, T0, workDir } from '../reliability/reliability-fixture.js';

const base = workDir('archive-summary');
const home = join(base.dir, '.home');
mkdirSync(home);
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ streams: STREAMS, seed: 7, quotas: false });
});

afterAll(async () => {
  await emu.close();
  base.cleanup();
});

const TOTALS = /^\d+ segments? \(\d+ empty\), .* \d+ failures?$/gm;
const archive = (streams: string, stateDir: string) =>
  runShell(
    `$K archive ${streams} --segment 1m --since ${iso(T0 - 3 * 60_000)} --state-dir ${stateDir} --endpoint-url ${emu.url} -o '${stateDir}-out/{stream}/{start}.mp4'`,
    { cwd: base.dir, env: cliEnv(home), timeoutMs: 60_000 },
  );

describe('kvs-clip archive totals line', () => {
  it('prints the totals once, before the error line, when a stream failed (exit 9)', async () => {
    const r = await archive(`${STREAM} nosuch`, 'state-a');
    expect(r.code, r.stderr).toBe(9);
    expect(r.stderr.match(TOTALS), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/\n\d+ segments .*, 1 failure\nkvs-clip: 1 of 2 streams failed: nosuch\nhint: /);
  });

  it('prints the totals once when every stream is up to date', async () => {
    const r = await archive(STREAM, 'state-b');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(TOTALS), r.stderr).toHaveLength(1);
  });
});
