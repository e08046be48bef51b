/**
 * Packaging (issue 5): `npm pack`, then install the tarball into an empty prefix, and use the installed copy the way
 * a newcomer would. Assumes dist/ is built (`npm test` builds first). The install is offline from the npm cache that
 * `npm ci` filled; when that cache lacks something it falls back to the registry.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../support/spawn-cli.js';

const run = promisify(execFile);
const version: unknown = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;

let root: string;
let files: string[];
let installedBin: string;
let work: string;

/** npm with no user config, so a developer's ~/.npmrc cannot change what is packed or installed. */
async function npm(args: readonly string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, maxBuffer: 16 * 1024 * 1024, timeout: 90_000 });
  return stdout;
}

/** The installed CLI, run with a clean environment (no AWS settings) from the work directory. */
function installed(...args: string[]) {
  return run(installedBin, args, {
    cwd: work,
    timeout: 60_000,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: work,
      TZ: 'UTC',
      AWS_CONFIG_FILE: '/nonexistent/kvs-clip-test-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kvs-clip-test-credentials',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kvs-clip-pack-'));
  const packDir = join(root, 'pack');
  const prefix = join(root, 'prefix');
  work = join(root, 'work');
  for (const dir of [packDir, prefix, work]) mkdirSync(dir);
  // --ignore-scripts: the prepare script would rebuild dist/ under the other test files' running CLIs.
  const packed: unknown = JSON.parse(
    await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], PACKAGE_ROOT),
  );
  if (!Array.isArray(packed) || packed.length !== 1)
    throw new Error(`npm pack --json gave ${JSON.stringify(packed).slice(0, 200)}`);
  const entry = packed[0] as { filename: string; files: { path: string }[] };
  files = entry.files.map((file) => file.path);
  const tarball = join(packDir, entry.filename);
  const install = ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', tarball];
  try {
    await npm([...install, '--offline'], root);
  } catch {
    await npm(install, root);
  }
  installedBin = join(prefix, 'node_modules', '.bin', 'kvs-clip');
}, 150_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('ships the build, the launcher, completions, the README and the emulator fixtures, and nothing else', () => {
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files).toContain('bin/kvs-clip.js');
    expect(files).toContain('dist/cli/main.js');
    expect(files).toEqual(
      expect.arrayContaining(['completions/kvs-clip.bash', 'completions/_kvs-clip', 'completions/kvs-clip.fish']),
    );
    // The emulator loops these fixtures (src/emulator/README.md): `--local` needs them at run time.
    expect(files).toEqual(
      expect.arrayContaining([
        'test/fixtures/h264_aac.full.mp4',
        'test/fixtures/h265.full.mp4',
        'test/fixtures/h264_alaw.full.mov',
      ]),
    );
    const unwanted = files.filter(
      (path) =>
        path.startsWith('src/') ||
        path.includes('node_modules/') ||
        path.endsWith('.map') ||
        /^test\/.*\.ts$/.test(path) ||
        (path.startsWith('test/') && !path.startsWith('test/fixtures/')),
    );
    expect(unwanted).toEqual([]);
  });

  it('ships no stale build output: every dist module has its source in src/', () => {
    // `npm run build` does not empty dist/, so a renamed or deleted source would otherwise ship as dead code.
    const stale = files
      .filter((path) => path.startsWith('dist/') && path.endsWith('.js'))
      .filter((path) => !existsSync(join(PACKAGE_ROOT, 'src', `${path.slice('dist/'.length, -'.js'.length)}.ts`)));
    expect(stale).toEqual([]);
  });

  it('installs into an empty prefix as a working kvs-clip: version, help, completion', async () => {
    expect((await installed('--version')).stdout.split('\n')[0]).toBe(version);
    const help = await installed('--help');
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toContain('get');
    const completion = await installed('completion', 'bash');
    expect(completion.stdout).toContain('complete -F _kvs_clip kvs-clip');
  });

  it('downloads from the bundled emulator with the installed copy, and inspects the result', async () => {
    const got = await installed('get', 'demo', '--local', '--since', '2m', '-o', 'out.mp4');
    expect(got.stdout).toBe(`${join(work, 'out.mp4')}\n`);
    expect(readdirSync(work)).toEqual(['out.mp4']);
    const inspected = await installed('inspect', 'out.mp4', '--json');
    const document = JSON.parse(inspected.stdout);
    expect(document).toMatchObject({ ok: true, command: 'inspect', layout: 'moov-first' });
    expect(document.tracks.map((track: { kind: string }) => track.kind)).toEqual(['video', 'audio']);
    expect(document.durationMs).toBeGreaterThanOrEqual(119_000);
  });
});
