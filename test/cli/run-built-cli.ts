import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/kvs-clip.js', import.meta.url));

export type CliRun = { code: number | null; stdout: string; stderr: string };

/**
 * Run the BUILT CLI (`npm run build` first) as a child process. Asynchronous on purpose: tests that serve the
 * emulator from this process must keep their event loop free while the child talks to it.
 */
export function runBuiltCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: options.cwd,
        TZ: 'UTC',
        // Keep a developer's ~/.aws out of the tests.
        AWS_CONFIG_FILE: '/nonexistent/kvs-clip-test-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kvs-clip-test-credentials',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}
