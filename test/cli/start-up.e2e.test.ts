import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/emulator/local-credentials.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { runBuiltCli } from './run-built-cli.js';

// Every command pays for the modules it loads before doing anything (issue 7: ~0.5 s of a 1 h get's fixed cost
// was module loading). These pin which heavy dependencies each kind of command may load.
const RECORDER = fileURLToPath(new URL('./record-modules.mjs', import.meta.url));
const HEAVY = {
  sdk: /node_modules\/@aws-sdk\/client-kinesis-video/,
  emulator: /\/dist\/emulator\/start-emulator\.js$/,
  chrono: /node_modules\/chrono-node\//,
  progressBar: /node_modules\/cli-progress\//,
  completion: /\/dist\/cli\/completion\/bash-completion\.js$/,
} as const;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvs-clip-start-up-'));
});

async function modulesLoadedBy(args: readonly string[], env: Record<string, string> = {}): Promise<string[]> {
  const log = join(dir, 'modules.log');
  writeFileSync(log, '');
  const result = await runBuiltCli(args, {
    cwd: dir,
    env: { NODE_OPTIONS: `--import=${RECORDER}`, KVS_CLIP_TEST_MODULE_LOG: log, ...env },
  });
  expect(result.stderr).not.toMatch(/kvs-clip: /);
  expect(result.code).toBe(0);
  const modules = readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  // A recorder that saw nothing would pass every "does not load" below.
  expect(modules.some((module) => module.includes('/dist/cli/main.js'))).toBe(true);
  return modules;
}

const loads = (modules: readonly string[], pattern: RegExp): boolean => modules.some((module) => pattern.test(module));

describe('start-up', () => {
  it.each(['--version', '--help', 'get --help'])(
    '%s loads neither the AWS SDK, the emulator, chrono-node, cli-progress nor the completion generators',
    async (line) => {
      const modules = await modulesLoadedBy(line.split(' '));
      for (const pattern of Object.values(HEAVY)) expect(loads(modules, pattern), String(pattern)).toBe(false);
    },
  );

  it('completion loads the script generators but nothing that talks to AWS or serves video', async () => {
    const modules = await modulesLoadedBy(['completion', 'bash']);
    expect(loads(modules, HEAVY.completion)).toBe(true);
    expect(loads(modules, HEAVY.sdk)).toBe(false);
    expect(loads(modules, HEAVY.emulator)).toBe(false);
    expect(loads(modules, HEAVY.chrono)).toBe(false);
  });

  describe('get against the emulator', () => {
    const endMs = Math.floor(Date.now() / 1000) * 1000;
    const iso = (ms: number): string => new Date(ms).toISOString();
    let emulator: RunningEmulator;
    beforeAll(async () => {
      emulator = await startEmulator({
        streams: [{ name: 'cam', source: { preset: 'h264_aac' }, spanMs: 600_000, endMs }],
        quotas: false,
      });
    });
    afterAll(async () => {
      await emulator.close();
    });

    it('get --dry-run with ISO times loads the SDK, but not chrono-node, the emulator, cli-progress or the completion generators', async () => {
      const modules = await modulesLoadedBy(
        [
          'get',
          'cam',
          '--since',
          iso(endMs - 240_000),
          '--until',
          iso(endMs - 120_000),
          '--endpoint-url',
          emulator.url,
          '--dry-run',
          '--no-progress',
        ],
        {
          AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
          AWS_REGION: emulator.region,
        },
      );
      expect(loads(modules, HEAVY.sdk)).toBe(true);
      expect(loads(modules, HEAVY.emulator)).toBe(false);
      expect(loads(modules, HEAVY.chrono)).toBe(false);
      expect(loads(modules, HEAVY.progressBar)).toBe(false);
      expect(loads(modules, HEAVY.completion)).toBe(false);
    });
  });
});
