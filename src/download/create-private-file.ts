import { chmod, open } from 'node:fs/promises';

/**
 * Creates `path` empty and owner-only (0o600), or empties an existing one and narrows its mode, so that a writer
 * that opens it later with the default mode (`createWriteStream`, `open(path, 'w')`: 0o666 minus the umask) keeps
 * 0o600: opening an existing file never changes its mode. Use it for anything holding downloaded media before the
 * final rename (spool clips, joiner scratch files). Throws the file system's error.
 */
export async function createPrivateFile(path: string): Promise<void> {
  const handle = await open(path, 'w', 0o600);
  try {
    // `open` only applies the mode to a file it creates; a leftover from an older run may be wider.
    await handle.chmod(0o600);
  } finally {
    await handle.close();
  }
}

/** Gives a finished output the mode a plain new file would get (0o666 minus the umask), after private scratch work. */
export async function makePublicFileMode(path: string): Promise<void> {
  await chmod(path, 0o666 & ~process.umask());
}
