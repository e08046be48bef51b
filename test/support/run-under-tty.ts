/**
 * Runs the BUILT CLI on a real pseudo-terminal (`script -qec`, util-linux) of a given width, for tests of what a
 * person sees: the progress bar, the archive's per-stream lines, counters that clear themselves. stdout and stderr
 * arrive merged, as they do on a terminal; `terminalFrames` turns that raw output into what the screen showed.
 */
import { spawn } from 'node:child_process';
import { CLI_BIN } from './spawn-cli.js';

export type TtyRun = { readonly code: number | null; readonly output: string };

export type TtyOptions = {
  readonly cwd: string;
  /** The child's whole environment; TERM=xterm is added. */
  readonly env: Readonly<Record<string, string>>;
  /** Terminal width (default 100 columns). */
  readonly columns?: number;
};

/** Runs `kvs-clip ARGS…` on a pseudo-terminal and resolves with its exit code and everything it drew. */
export function runCliUnderTty(args: readonly string[], options: TtyOptions): Promise<TtyRun> {
  const words = [process.execPath, CLI_BIN, ...args].map(shellQuote).join(' ');
  const command = `stty cols ${options.columns ?? 100} rows 24; ${words}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: options.cwd,
      env: { ...options.env, TERM: 'xterm' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const ESC = String.fromCharCode(27);

/** What a terminal shows of each redraw: the text between carriage returns and cursor moves, escapes removed. */
export function terminalFrames(output: string): string[] {
  return output
    .split(new RegExp(`\\r|\\n|${ESC}\\[1G`))
    .map((frame) => frame.replaceAll(new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g'), ''))
    .filter((frame) => frame.trim() !== '');
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
