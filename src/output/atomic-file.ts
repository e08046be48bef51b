import { link, lstat, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { OutputError } from '../errors/output-error.js';
import { fsyncDirectory } from './fsync-directory.js';
import { toOutputError } from './to-output-error.js';
import { makeDirectories } from './make-directories.js';

/** An output being written under `partPath`, to appear under `finalPath` only when complete (ux.md §5). */
export type PreparedOutput = {
  finalPath: string;
  /** `<final>.part`, in the destination directory so the final rename never crosses file systems. */
  partPath: string;
  /** fsync the part, move it to the final name (never over an existing file without force), fsync the directory. */
  commit(): Promise<void>;
  /** Remove the part file (when no resume manifest should keep it). */
  discard(): Promise<void>;
};

function errnoCode(error: unknown): unknown {
  return error instanceof Error && 'code' in error ? error.code : undefined;
}

function existsError(finalPath: string): OutputError {
  return new OutputError('E_OUTPUT_EXISTS', `Output file already exists: "${finalPath}"`, {
    hint: 'pass --force to overwrite or --skip-existing',
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw toOutputError(error, path);
  }
}

async function ensureDirectory(directory: string, create: boolean): Promise<void> {
  try {
    if (!(await stat(directory)).isDirectory()) {
      throw new OutputError('E_OUTPUT_WRITE', `Output directory is not a directory: "${directory}"`);
    }
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw toOutputError(error, directory);
    if (!create) {
      throw new OutputError('E_OUTPUT_WRITE', `Output directory does not exist: "${directory}"`, {
        hint: 'pass --mkdir to create it',
      });
    }
    await makeDirectories(directory).catch((cause: unknown) => {
      throw toOutputError(cause, directory);
    });
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// link() fails with EEXIST instead of replacing, which makes "no overwrite without --force" race-free. File
// systems without hard links (some FUSE, FAT, SMB mounts) fall back to check-then-rename.
async function moveNoClobber(partPath: string, finalPath: string): Promise<void> {
  try {
    await link(partPath, finalPath);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') throw existsError(finalPath);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV' && code !== 'EMLINK')
      throw error;
    if (await exists(finalPath)) throw existsError(finalPath);
    await rename(partPath, finalPath);
    return;
  }
  await unlink(partPath);
}

/**
 * Checks and prepares an output file before any download (ux.md §5): refuses an existing `finalPath` unless
 * `force` (OutputError `E_OUTPUT_EXISTS`, hint --force/--skip-existing), and a missing parent directory unless
 * `mkdir` creates it (OutputError `E_OUTPUT_WRITE`). Returns the `.part` path to write and the commit/discard steps;
 * it does not create the part file (the writer does, or truncates it on resume). Errors from the file system become
 * OutputError `E_OUTPUT_WRITE` with the path.
 */
export async function prepareOutput(
  finalPath: string,
  options: { force?: boolean; mkdir?: boolean } = {},
): Promise<PreparedOutput> {
  const force = options.force === true;
  const directory = dirname(resolve(finalPath));
  await ensureDirectory(directory, options.mkdir === true);
  if (await exists(finalPath)) {
    if ((await lstat(finalPath)).isDirectory()) {
      throw new OutputError('E_OUTPUT_WRITE', `Output path is a directory: "${finalPath}"`, {
        hint: 'give a file name with -o',
      });
    }
    if (!force) throw existsError(finalPath);
  }
  const partPath = `${finalPath}.part`;
  return {
    finalPath,
    partPath,
    async commit() {
      try {
        await syncFile(partPath);
        if (force) await rename(partPath, finalPath);
        else await moveNoClobber(partPath, finalPath);
        await fsyncDirectory(directory);
      } catch (error) {
        throw toOutputError(error, finalPath);
      }
    },
    async discard() {
      await rm(partPath, { force: true }).catch((error: unknown) => {
        throw toOutputError(error, partPath);
      });
    },
  };
}
