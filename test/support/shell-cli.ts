/**
 * Runs the BUILT CLI through `sh -c`, so a test can use the redirections a user's shell would (`> /dev/full`,
 * `2>&-`, `| head -c 1`), and snapshots a directory (type, size, mtime of every entry) to prove that a command
 * created, changed or removed nothing but the names it was allowed to.
 */
import { spawn } from 'node:child_process';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_BIN } from './spawn-cli.js';

export type ShellResult = { readonly code: number | null; readonly stdout: string; readonly stderr: string };

/**
 * Runs `script` with `$K` bound to the built CLI (`node bin/kvs-clip.js`); SIGKILLs the shell after `timeoutMs`.
 */
export function runShell(
  script: string,
  options: { cwd: string; env: Readonly<Record<string, string>>; timeoutMs?: number },
): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], {
      cwd: options.cwd,
      env: { ...options.env, K: `${process.execPath} ${CLI_BIN}` /* word-split by sh: paths without spaces */ },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => {
      // The whole process group: the shell and the CLI it started.
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

export type TreeEntry = {
  readonly path: string;
  readonly kind: string;
  readonly size: number;
  readonly mtimeMs: number;
};

/** Every entry below `dir` (lstat: devices, FIFOs and links are seen as themselves), sorted by path. */
export function snapshotTree(dir: string): TreeEntry[] {
  const found: TreeEntry[] = [];
  const walk = (relative: string): void => {
    for (const name of readdirSync(join(dir, relative))) {
      const path = relative === '' ? name : `${relative}/${name}`;
      const info = lstatSync(join(dir, path));
      const kind = info.isFile()
        ? 'file'
        : info.isDirectory()
          ? 'dir'
          : info.isCharacterDevice()
            ? 'char'
            : info.isFIFO()
              ? 'fifo'
              : info.isSymbolicLink()
                ? 'link'
                : 'other';
      found.push({ path, kind, size: kind === 'dir' ? 0 : info.size, mtimeMs: kind === 'dir' ? 0 : info.mtimeMs });
      if (kind === 'dir') walk(path);
    }
  };
  walk('');
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** The entries of `after` that differ from `before` (created, changed or removed), minus the allowed names. */
export function treeChanges(before: TreeEntry[], after: TreeEntry[], allowed: readonly string[] = []): string[] {
  const key = (e: TreeEntry): string => `${e.path} ${e.kind} ${e.size} ${e.mtimeMs}`;
  const was = new Set(before.map(key));
  const now = new Set(after.map(key));
  const changed = [
    ...after.filter((e) => !was.has(key(e))).map((e) => `+${e.path} (${e.kind})`),
    ...before.filter((e) => !now.has(key(e))).map((e) => `-${e.path} (${e.kind})`),
  ];
  return changed.filter((line) => !allowed.some((name) => line.slice(1).startsWith(name)));
}

/** Problems with a failure's stderr: not exactly one `kvs-clip:` line (plus one optional hint), or a stack trace. */
export function stderrProblems(stderr: string): string[] {
  const problems: string[] = [];
  const lines = stderr.split('\n').filter((line) => line !== '');
  if (lines.filter((line) => line.startsWith('kvs-clip: ')).length !== 1) problems.push('not one kvs-clip: line');
  if (lines.some((line) => /^\s+at |node:internal|Internal error|please report/.test(line))) problems.push('stack/bug');
  const errorAt = lines.findIndex((line) => line.startsWith('kvs-clip: '));
  if (lines.slice(errorAt + 1).some((line) => !line.startsWith('hint: '))) problems.push('lines after the error');
  return problems;
}
