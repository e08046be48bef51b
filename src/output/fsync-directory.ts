import { open } from 'node:fs/promises';

/**
 * Flushes a directory entry (after a rename) so the new name survives a power loss. Some platforms and file
 * systems cannot fsync a directory (EISDIR/EINVAL/EPERM/ENOTSUP); there the rename is as durable as it gets and
 * the error is not the user's problem, so only those are ignored.
 */
export async function fsyncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
  } finally {
    await handle?.close();
  }
}
