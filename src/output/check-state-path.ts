import { stat } from 'node:fs/promises';
import { OutputError } from '../errors/output-error.js';

// `get --state FILE` and `archive --state-dir DIR` checked for the wrong kind of path before any lock, state read or
// request (docs/resume-and-state.md, "Cron state"): the bare errno (EISDIR, or a mkdir EEXIST) named neither the flag
// nor what it expects. Exit 7 like every other unusable output path (`Output path is a directory`, a block device).

const errnoOf = (error: unknown): string | undefined =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

/** The path's kind, or undefined when nothing is there yet (or it cannot be looked at: the real use reports that). */
async function kindOf(path: string): Promise<'directory' | 'other' | 'blocked' | undefined> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'other';
  } catch (error) {
    return errnoOf(error) === 'ENOTDIR' ? 'blocked' : undefined;
  }
}

/**
 * Refuses a `--state` path that is a directory. `shown` is the path as the user typed it. Throws OutputError
 * `E_OUTPUT_WRITE` with a hint naming what `--state` expects.
 */
export async function checkStateFilePath(path: string, shown: string): Promise<void> {
  if ((await kindOf(path)) !== 'directory') return;
  throw new OutputError('E_OUTPUT_WRITE', `--state "${shown}" is a directory; it names the cron state file`, {
    hint: `pass a file path such as --state ${shown.replace(/\/+$/, '')}/STREAM.state.json, or use kvs-clip archive --state-dir ${shown} for one state file per stream`,
  });
}

/**
 * Refuses a `--state-dir` path that is a file (or lies under one). `shown` is the path as the user typed it.
 * Throws OutputError `E_OUTPUT_WRITE` with a hint naming what `--state-dir` expects.
 */
export async function checkStateDirectoryPath(path: string, shown: string): Promise<void> {
  const kind = await kindOf(path);
  if (kind !== 'other' && kind !== 'blocked') return;
  const what = kind === 'other' ? 'is a file' : 'lies under a file';
  throw new OutputError('E_OUTPUT_WRITE', `--state-dir "${shown}" ${what}, not a directory`, {
    hint: "--state-dir names a directory holding one STREAM.state.json per stream (created if missing); for one stream's state file use kvs-clip get --state FILE",
  });
}
