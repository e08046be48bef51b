import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDirectory } from './fsync-directory.js';
import { toOutputError } from './to-output-error.js';

/**
 * Replaces `path` with `data` so that a crash leaves either the old or the new content, never a mix: write a temp
 * file beside it (owner-only 0o600 by default: state and manifests can name private buckets and streams), fsync,
 * rename over the target, fsync the directory. Throws OutputError `E_OUTPUT_WRITE` (via toOutputError).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', options.mode ?? 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await fsyncDirectory(dirname(path));
  } catch (error) {
    await rm(temp, { force: true });
    throw toOutputError(error, path);
  }
}
