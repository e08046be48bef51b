import { KvsClipError } from '../errors/kvs-clip-error.js';
import { OutputError } from '../errors/output-error.js';

// errno codes a local write can meet, in words a user understands, with what to do about them.
const LOCAL_ERRORS: Record<string, { words: string; hint?: string }> = {
  ENOSPC: {
    words: 'no space left on device',
    hint: 'free some space (faststart needs room for a second copy) or pass --no-faststart',
  },
  EDQUOT: { words: 'disk quota exceeded', hint: 'free some space or write elsewhere with -o' },
  EIO: { words: 'I/O error', hint: 'check the disk or file system; the partial file was kept for resume' },
  EACCES: { words: 'permission denied', hint: 'check the permissions of the directory or choose another -o' },
  EPERM: { words: 'operation not permitted', hint: 'check the permissions of the directory or choose another -o' },
  EROFS: { words: 'read-only file system', hint: 'choose a writable location with -o' },
  ENOENT: { words: 'no such file or directory', hint: 'pass --mkdir to create missing directories' },
  ENOTDIR: { words: 'a parent path is not a directory' },
  EISDIR: { words: 'is a directory' },
  ENAMETOOLONG: { words: 'file name too long', hint: 'shorten the -o template' },
  EMFILE: { words: 'too many open files' },
  EEXIST: { words: 'already exists' },
  EXDEV: { words: 'cannot rename across file systems' },
  EBUSY: { words: 'resource busy' },
  ETXTBSY: { words: 'file busy' },
};

function errnoCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** An errno in words with its code, `no space left on device (ENOSPC)`; unknown codes read `file system error`. */
export function describeLocalError(code: string): string {
  return `${LOCAL_ERRORS[code]?.words ?? 'file system error'} (${code})`;
}

/**
 * Turns a failed local file operation into OutputError `E_OUTPUT_WRITE` (exit 7) naming the path and the errno
 * (`Could not write "out.mp4": no space left on device (ENOSPC)`), with the original in `cause`. kvs-clip errors
 * pass through unchanged; anything that is not a file-system error is returned as is (a bug, exit 1). Never
 * retried (docs/planning.md, "Quotas, pacing and retries"): local errors do not heal by waiting.
 */
export function toOutputError(error: unknown, path: string): Error {
  if (error instanceof KvsClipError) return error;
  const code = errnoCode(error);
  if (code === undefined) return error instanceof Error ? error : new Error(String(error));
  const known = LOCAL_ERRORS[code];
  const message = `Could not write "${path}": ${describeLocalError(code)}`;
  return new OutputError(
    'E_OUTPUT_WRITE',
    message,
    known?.hint === undefined ? { cause: error } : { cause: error, hint: known.hint },
  );
}
