/**
 * Security (issue 6): distinctive fake credentials and a session token never appear in anything the CLI writes
 * (stdout, stderr, every file it creates, the resume manifest), with --verbose, -vv, --log-format json and --json, on
 * success, on auth failure, on retries and after a crash; resume state is owner-only; the emulator binds loopback;
 * output templates cannot climb out of the target directory, even for a stream named `..`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../src/emulator/faults.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { killSpawnedClis, runCli, startCli, type CliResult } from '../support/spawn-cli.js';
import { STREAM, STREAMS, T0, baseEmulatorOptions, cliEnv, iso, listTree, workDir } from './reliability-fixture.js';
import { OUTPUT, RANGE } from './scenario.js';

const SECRET = 'S3cr3t-D0-N0t-Leak-7f1c9e2ab4d6';
const TOKEN = 'SessT0k-D0-N0t-Leak-91ab77c3e5f0';
const KEY_ID = 'AKIDRELIABILITY7Q2Z';
const CREDENTIALS = { accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: TOKEN };
/** What must never be written: the secret, the token, the key id, and the shape of a SigV4 signature or auth header. */
const FORBIDDEN: readonly (string | RegExp)[] = [
  SECRET,
  TOKEN,
  KEY_ID,
  /Signature=[0-9a-f]{16}/,
  /AWS4-HMAC-SHA256 Credential/,
  /x-amz-security-token/i,
];

const cleanups: (() => void)[] = [];
const emulators: RunningEmulator[] = [];

async function emulator(faults: readonly FaultSpec[] = [], secret = SECRET): Promise<RunningEmulator> {
  const emu = await startEmulator(
    baseEmulatorOptions({ faults, auth: { credentials: { accessKeyId: KEY_ID, secretAccessKey: secret } } }),
  );
  emulators.push(emu);
  return emu;
}

afterAll(async () => {
  killSpawnedClis();
  for (const emu of emulators) await emu.close();
  for (const cleanup of cleanups) cleanup();
});

/** Every byte the run wrote: stdout, stderr and each file under `dir`, as text. */
function everythingWritten(result: CliResult, dir: string): { where: string; text: string }[] {
  const files = listTree(dir)
    .filter((file) => !file.isDir)
    .map((file) => ({ where: file.path, text: readFileSync(join(dir, file.path)).toString('latin1') }));
  return [
    { where: 'stdout', text: result.stdout.toString('latin1') },
    { where: 'stderr', text: result.stderr },
    ...files,
  ];
}

function expectNoSecrets(written: { where: string; text: string }[]): void {
  for (const { where, text } of written) {
    for (const pattern of FORBIDDEN) {
      const found = typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
      expect(found, `${String(pattern)} found in ${where}`).toBe(false);
    }
  }
}

function newDirs(): { dir: string; home: string } {
  const out = workDir('secrets');
  const home = workDir('secrets-home');
  cleanups.push(out.cleanup, home.cleanup);
  return { dir: out.dir, home: home.dir };
}

describe('secrets never leak', () => {
  const runs: { name: string; faults?: FaultSpec[]; secret?: string; args: string[]; exit: number }[] = [
    {
      name: 'a verbose download with NDJSON logs and a JSON summary',
      args: ['-v', '--log-format', 'json', '--json'],
      exit: 0,
    },
    {
      name: 'a verbose download with retries (throttles, resets, 5xx)',
      args: ['-v'],
      exit: 0,
      faults: [
        { op: 'GetClip', nth: [1, 3], action: { kind: 'error', name: 'ClientLimitExceededException' } },
        { op: 'GetClip', nth: [2], action: { kind: 'reset', afterBytes: 500 } },
        { op: 'ListFragments', nth: [1], action: { kind: 'error', name: 'InternalFailure', status: 500 } },
      ],
    },
    {
      name: 'a verbose run whose signature the endpoint rejects',
      args: ['-v', '--json'],
      exit: 4,
      secret: 'another-secret',
    },
    {
      name: 'a -vv download (every SDK request and answer logged) with retries',
      args: ['-vv'],
      exit: 0,
      faults: [
        { op: 'GetClip', nth: [1], action: { kind: 'error', name: 'ClientLimitExceededException' } },
        { op: 'GetClip', nth: [2], action: { kind: 'reset', afterBytes: 500 } },
      ],
    },
    {
      name: 'a -vv run whose signature the endpoint rejects',
      args: ['-vv', '--json'],
      exit: 4,
      secret: 'another-secret',
    },
    {
      name: 'a verbose run with NDJSON logs that gives up after retries',
      args: ['-v', '--log-format', 'json', '--retries', '1'],
      exit: 5,
      faults: [
        { op: 'GetClip', nth: [3, 4, 5, 6], action: { kind: 'error', name: 'ServiceUnavailable', status: 503 } },
      ],
    },
  ];
  for (const run of runs) {
    it.concurrent(
      `writes neither the secret, the session token nor a signature in ${run.name} (exit ${run.exit})`,
      async () => {
        const emu = await emulator(run.faults, run.secret);
        const { dir, home } = newDirs();
        const result = await runCli(['get', STREAM, ...RANGE, '-o', OUTPUT, '--endpoint-url', emu.url, ...run.args], {
          cwd: dir,
          env: cliEnv(home, { credentials: CREDENTIALS }),
        });
        expect(result.code, result.stderr).toBe(run.exit);
        // -vv did log the requests: the check below looked at them.
        if (run.args.includes('-vv')) expect(result.stderr).toMatch(/^debug: \w+: POST http/m);
        const written = everythingWritten(result, dir);
        if (run.exit === 5)
          expect(
            written.some((w) => w.where.endsWith('.kvsclip.json')),
            JSON.stringify(written.map((w) => w.where)),
          ).toBe(true);
        expectNoSecrets(written);
      },
    );
  }

  it.concurrent('keeps the secret out of a resume manifest left by a killed run, which is owner-only', async () => {
    const emu = await emulator([{ op: 'GetClip', action: { kind: 'bandwidth', bytesPerSecond: 40_000 } }]);
    const { dir, home } = newDirs();
    const cli = startCli(['get', STREAM, ...RANGE, '-o', OUTPUT, '-v', '--endpoint-url', emu.url], {
      cwd: dir,
      env: cliEnv(home, { credentials: CREDENTIALS }),
    });
    const manifest = join(dir, `${OUTPUT}.kvsclip.json`);
    const until = Date.now() + 60_000;
    let exited = false;
    void cli.done.then(() => (exited = true));
    // Wait until one part is recorded as finished, then kill: a part spooled whole has its sha256, a part streamed
    // into the joiner (write once) moves the joiner's checkpoint instead.
    while (Date.now() < until && !exited && !partRecorded(manifest)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    cli.child.kill('SIGKILL');
    const result = await cli.done;
    const files = listTree(dir);
    expect(
      files.map((f) => f.path),
      result.stderr,
    ).toContain(`${OUTPUT}.kvsclip.json`);
    expectNoSecrets(everythingWritten(result, dir));
    for (const file of files.filter((f) => f.path.endsWith('.kvsclip.json') || f.path.endsWith('.kvsclip.d'))) {
      expect(file.mode & 0o077, `${file.path} is ${file.mode.toString(8)}`).toBe(0);
    }
  });
});

describe('owner-only resume state', () => {
  let spooled: ReturnType<typeof listTree> = [];

  it('keeps spool files in an owner-only folder while a download runs', async () => {
    const emu = await emulator([{ op: 'GetClip', action: { kind: 'bandwidth', bytesPerSecond: 40_000 } }]);
    const { dir, home } = newDirs();
    const cli = startCli(['get', STREAM, ...RANGE, '-o', OUTPUT, '--endpoint-url', emu.url], {
      cwd: dir,
      env: cliEnv(home, { credentials: CREDENTIALS }),
    });
    let exited = false;
    void cli.done.then(() => (exited = true));
    const until = Date.now() + 60_000;
    while (Date.now() < until && spooled.length === 0 && !exited) {
      spooled = listTree(dir).filter((file) => file.path.startsWith(`${OUTPUT}.kvsclip.d/`) && !file.isDir);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const folder = listTree(dir).find((file) => file.path === `${OUTPUT}.kvsclip.d`);
    cli.child.kill('SIGKILL');
    const result = await cli.done;
    expect(spooled.length, result.stderr).toBeGreaterThan(0);
    expect(folder?.mode).toBe(0o700);
  });

  // The spool clips are pre-created 0600 before the GetClip body streams into them, so they stay private even if
  // the folder's mode is changed.
  it('creates every spool file owner-only, not just the folder', () => {
    expect(spooled.length).toBeGreaterThan(0);
    for (const file of spooled) expect(file.mode & 0o077, `${file.path} is ${file.mode.toString(8)}`).toBe(0);
  });
});

describe('the emulator', () => {
  it('binds the loopback interface by default, refusing connections on other addresses', async () => {
    const emu = await emulator();
    expect(new URL(emu.url).hostname).toBe('127.0.0.1');
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address !== undefined && !address.internal && address.family === 'IPv4');
    if (external === undefined) return; // no non-loopback interface here: nothing else to connect to
    const outcome = await new Promise<string>((resolve) => {
      const socket = createConnection({ host: external.address, port: emu.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(outcome).toBe('ECONNREFUSED');
  });

  it('answers a CLI signing for a different secret, key (strict auth) or region with exit 4 and no output', async () => {
    // Lenient auth (the default) accepts foreign keys; strict auth rejects them, and both verify the own key.
    const emu = await startEmulator(
      baseEmulatorOptions({ auth: { credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET }, strict: true } }),
    );
    emulators.push(emu);
    for (const [credentials, extra] of [
      [{ ...CREDENTIALS, secretAccessKey: 'wrong' }, []],
      [{ ...CREDENTIALS, accessKeyId: 'AKIDSOMEONEELSE' }, []],
      [CREDENTIALS, ['--region', 'eu-central-1']],
    ] as const) {
      const { dir, home } = newDirs();
      const result = await runCli(['get', STREAM, ...RANGE, '-o', OUTPUT, '--endpoint-url', emu.url, ...extra], {
        cwd: dir,
        env: cliEnv(home, { credentials }),
      });
      expect(result.code, result.stderr).toBe(4);
      expect(listTree(dir)).toEqual([]);
    }
  });

  it('rejects requests signed with a clock more than 5 minutes off (the CLI exits 4, or corrects the skew and succeeds)', async () => {
    // auth.now is the emulator's wall clock for the ±5 min SigV4 check: 15 min ahead makes every signature stale.
    const skewed = await startEmulator(
      baseEmulatorOptions({
        auth: { credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET }, now: () => Date.now() + 15 * 60_000 },
      }),
    );
    emulators.push(skewed);
    const { dir, home } = newDirs();
    const result = await runCli(
      ['get', STREAM, ...RANGE, '-o', OUTPUT, '--endpoint-url', skewed.url, '--retries', '2'],
      { cwd: dir, env: cliEnv(home, { credentials: CREDENTIALS }) },
    );
    const expired = skewed.log.entries.filter(
      (entry) => entry.errorType === 'InvalidSignatureException' && entry.status === 403,
    );
    expect(expired.length, result.stderr).toBeGreaterThan(0);
    expect([0, 4], result.stderr).toContain(result.code);
    if (result.code === 4) expect(listTree(dir)).toEqual([]);
  });
});

describe('output paths stay inside the target directory', () => {
  it('names the file for a stream called ".." inside the working directory, with the default template and with {stream} directories', async () => {
    const dots = await startEmulator({
      ...baseEmulatorOptions(),
      streams: [...STREAMS, { ...STREAMS[0], name: '..' } as (typeof STREAMS)[number]],
    });
    emulators.push(dots);
    const base = workDir('dots');
    cleanups.push(base.cleanup);
    const { home } = newDirs();
    // base/a/b is the working directory: nothing may appear in base or base/a.
    const cwd = join(base.dir, 'a', 'b');
    await import('node:fs/promises').then((fs) => fs.mkdir(cwd, { recursive: true }));
    const range = ['--since', iso(T0 - 90_000), '--until', iso(T0 - 60_000)];
    const first = await runCli(['get', '..', ...range, '--endpoint-url', dots.url], { cwd, env: cliEnv(home) });
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(
      ['get', '..', ...range, '-o', '{stream}/{stream}/{stream}.mp4', '--mkdir', '--endpoint-url', dots.url],
      { cwd, env: cliEnv(home) },
    );
    expect(second.code, second.stderr).toBe(0);
    const tree = listTree(base.dir).map((file) => file.path);
    for (const path of tree)
      expect(path === 'a' || path === 'a/b' || path.startsWith('a/b/'), `created ${path}`).toBe(true);
    const files = tree.filter((path) => path.endsWith('.mp4'));
    expect(files).toHaveLength(2);
    for (const path of files) expect(path.split('/').slice(2)).not.toContain('..');
  });
});

function partRecorded(manifest: string): boolean {
  if (!existsSync(manifest)) return false;
  try {
    const text = readFileSync(manifest, 'utf8');
    const written = JSON.parse(text) as { checkpoint?: unknown };
    return text.includes('"sha256"') || (written.checkpoint ?? null) !== null;
  } catch {
    return false; // caught between open and write: look again
  }
}
