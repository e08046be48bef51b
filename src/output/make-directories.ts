import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Creates `directory` and any missing parents, one level at a time, each with `mode`; an existing directory is
 * fine. Use instead of `mkdir(…, { recursive: true })`: on Node 20 the recursive form spins forever at full CPU
 * when a parent cannot be created (seen with `-o /proc/x.mp4`, found by the reliability suite). Throws the errno
 * error of the level that failed (callers map it with toOutputError).
 */
export async function makeDirectories(directory: string, options: { mode?: number } = {}): Promise<void> {
  const missing: string[] = [];
  let current = directory;
  for (;;) {
    try {
      await mkdir(current, options.mode === undefined ? {} : { mode: options.mode });
      break;
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'EEXIST') break;
      const parent = dirname(current);
      if (code !== 'ENOENT' || parent === current || missing.length > 256) throw error;
      missing.push(current);
      current = parent;
    }
  }
  for (const level of missing.reverse()) {
    try {
      await mkdir(level, options.mode === undefined ? {} : { mode: options.mode });
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
  }
}
