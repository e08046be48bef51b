import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access, chmod, link, lstat, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { OutputError } from '../errors/output-error.js';
import { fsyncDirectory } from './fsync-directory.js';
import { toOutputError } from './to-output-error.js';
import { makeDirectories } from './make-directories.js';

/**
 * An output being written under `partPath`, to appear under `finalPath` only when complete (docs/resume-and-state.md,
 * "Output files").
 */
export type PreparedOutput = {
  finalPath: string;
  /** `<final>.part`, in the destination directory so the final rename never crosses file systems. */
  partPath: string;
  /**
   * Where the resume manifest and spool folder go (`<scratchBase>.kvsclip.json`): the final path for a regular
   * file; a private scratch folder for a device or FIFO, so nothing is ever created beside `/dev/null`.
   */
  scratchBase: string;
  /** fsync the part, move it to the final name (never over an existing file without force), fsync the directory. */
  commit(): Promise<void>;
  /** Remove the part file (when no resume manifest should keep it). */
  discard(): Promise<void>;
};

function errnoCode(error: unknown): unknown {
  return error instanceof Error && 'code' in error ? error.code : undefined;
}

// join and images have no --skip-existing, so their hint names --force only.
function existsError(finalPath: string, canSkip = true): OutputError {
  return new OutputError('E_OUTPUT_EXISTS', `Output file already exists: "${finalPath}"`, {
    hint: canSkip ? 'pass --force to overwrite or --skip-existing' : 'pass --force to overwrite',
  });
}

/** A symbolic link to a missing file under an output name: an existing output, replaced only with --force. */
export function danglingLinkError(path: string): OutputError {
  return new OutputError('E_OUTPUT_EXISTS', `Output path is a symbolic link to a missing file: "${path}"`, {
    hint: 'pass --force to replace the link with the file, or remove it',
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
async function moveNoClobber(partPath: string, finalPath: string, canSkip: boolean): Promise<void> {
  try {
    await link(partPath, finalPath);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') throw existsError(finalPath, canSkip);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV' && code !== 'EMLINK')
      throw error;
    if (await exists(finalPath)) throw existsError(finalPath, canSkip);
    await rename(partPath, finalPath);
    return;
  }
  await unlink(partPath);
}

/**
 * What already sits under the output name: nothing, a regular file, something written into in place, or a symbolic
 * link to nothing (replaced only with --force, as a file would be).
 */
type ExistingKind = 'none' | 'file' | 'special' | 'dangling';

// A character device (/dev/null, /dev/full, a tty) or a FIFO is written into directly, as curl does; it is never
// unlinked or renamed over (docs/resume-and-state.md, "Special files under -o"). A block device or socket is refused: writing an MP4 over a disk
// is never what was meant.
async function existingKind(finalPath: string): Promise<ExistingKind> {
  if (!(await exists(finalPath))) return 'none';
  const info = await stat(finalPath).catch((error: unknown) => {
    // lstat found the name but stat cannot follow it: a link whose target is missing. Not a missing directory.
    if (errnoCode(error) === 'ENOENT') return null;
    throw toOutputError(error, finalPath);
  });
  if (info === null) return 'dangling';
  if (info.isDirectory()) {
    throw new OutputError('E_OUTPUT_WRITE', `Output path is a directory: "${finalPath}"`, {
      hint: 'give a file name with -o',
    });
  }
  if (info.isFile()) return 'file';
  if (info.isCharacterDevice() || info.isFIFO()) return 'special';
  throw new OutputError('E_OUTPUT_WRITE', `Output path is a block device or socket: "${finalPath}"`, {
    hint: 'kvs-clip only writes into regular files, character devices (e.g. /dev/null) and FIFOs',
  });
}

// Scratch files for a device or FIFO output live in an owner-only folder under the temp directory, named after
// the output. A device cannot be resumed into (what was written is gone), so a new run first clears what a failed
// one left: at most one set of scratch files per device path ever exists.
async function specialScratchBase(finalPath: string): Promise<string> {
  const uid = process.getuid?.() ?? 0;
  const folder = join(tmpdir(), `kvs-clip-scratch-${uid}`);
  try {
    await makeDirectories(folder, { mode: 0o700 });
    await chmod(folder, 0o700);
  } catch (error) {
    throw toOutputError(error, folder);
  }
  const digest = createHash('sha256').update(resolve(finalPath)).digest('hex').slice(0, 12);
  const base = join(folder, `${basename(finalPath)}-${digest}`);
  const leftovers = ['.part', '.part.kvsjoin', '.part.kvstables', '.part.faststart', '.kvsclip.json', '.kvsclip.d'];
  await Promise.all(leftovers.map((suffix) => rm(`${base}${suffix}`, { recursive: true, force: true })));
  return base;
}

// Copy the finished scratch file into the device or FIFO: opened without O_CREAT/O_TRUNC, so a node that vanished
// meanwhile is not replaced by a regular file.
async function copyIntoSpecial(partPath: string, finalPath: string): Promise<void> {
  const handle = await open(finalPath, constants.O_WRONLY);
  // The stream owns the handle from here and closes it when done or failed.
  await pipeline(createReadStream(partPath), handle.createWriteStream());
  await rm(partPath, { force: true });
}

function preparedSpecial(finalPath: string, scratchBase: string): PreparedOutput {
  const partPath = `${scratchBase}.part`;
  return {
    finalPath,
    partPath,
    scratchBase,
    async commit() {
      try {
        await copyIntoSpecial(partPath, finalPath);
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

/**
 * Checks and prepares an output file before any download (docs/resume-and-state.md, "Output files"): refuses an
 * existing `finalPath` unless `force` (OutputError `E_OUTPUT_EXISTS`, hint --force/--skip-existing, or --force only
 * when the command has no --skip-existing: `skipExisting: 'not-offered'`), and a missing
 * parent directory unless `mkdir` creates it (OutputError `E_OUTPUT_WRITE`). Returns the `.part` path to write and the
 * commit/discard steps; it does not create the part file (the writer does, or truncates it on resume). Errors from the
 * file system become OutputError `E_OUTPUT_WRITE` with the path.
 */
export async function prepareOutput(
  finalPath: string,
  options: { force?: boolean; mkdir?: boolean; skipExisting?: 'offered' | 'not-offered' } = {},
): Promise<PreparedOutput> {
  const force = options.force === true;
  const canSkip = options.skipExisting !== 'not-offered';
  const directory = dirname(resolve(finalPath));
  await ensureDirectory(directory, options.mkdir === true);
  const kind = await existingKind(finalPath);
  // Writing into a device or FIFO destroys nothing, so it needs no --force (curl -o /dev/null).
  if (kind === 'special') return preparedSpecial(finalPath, await specialScratchBase(finalPath));
  // The part, manifest and spool go in this directory: say so now, naming it, not after the listing and naming a
  // scratch file (a device's scratch lives elsewhere, so /dev/null needs no writable /dev).
  await access(directory, constants.W_OK).catch((error: unknown) => {
    throw toOutputError(error, directory);
  });
  if (kind === 'file' && !force) throw existsError(finalPath, canSkip);
  if (kind === 'dangling' && !force) throw danglingLinkError(finalPath);
  const partPath = `${finalPath}.part`;
  return {
    finalPath,
    partPath,
    scratchBase: finalPath,
    async commit() {
      try {
        await syncFile(partPath);
        // Something other than a regular file may have appeared under the name since prepare: never replace it.
        if ((await existingKind(finalPath)) === 'special') return await copyIntoSpecial(partPath, finalPath);
        if (force) await rename(partPath, finalPath);
        else await moveNoClobber(partPath, finalPath, canSkip);
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
