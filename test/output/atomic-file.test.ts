import { lstat, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors/output-error.js';
import { prepareOutput } from '../../src/output/atomic-file.js';
import { toOutputError } from '../../src/output/to-output-error.js';
import { writeFileAtomic } from '../../src/output/write-file-atomic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvs-clip-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<OutputError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutputError) return error;
    throw error;
  }
  throw new Error('expected an OutputError');
}

describe('prepareOutput', () => {
  it('writes under .part and shows the final name only after commit', async () => {
    const final = join(dir, 'clip.mp4');
    const output = await prepareOutput(final);
    expect(output.partPath).toBe(`${final}.part`);
    await writeFile(output.partPath, 'media');
    expect(await readdir(dir)).toEqual(['clip.mp4.part']);
    await output.commit();
    expect(await readdir(dir)).toEqual(['clip.mp4']);
    expect(await readFile(final, 'utf8')).toBe('media');
  });

  it('refuses an existing output without force, with the documented hint', async () => {
    const final = join(dir, 'clip.mp4');
    await writeFile(final, 'old');
    const error = await rejection(prepareOutput(final));
    expect(error.code).toBe('E_OUTPUT_EXISTS');
    expect(error.exitCode).toBe(7);
    expect(error.message).toContain(final);
    expect(error.hint).toBe('pass --force to overwrite or --skip-existing');
  });

  it('overwrites an existing output with force', async () => {
    const final = join(dir, 'clip.mp4');
    await writeFile(final, 'old');
    const output = await prepareOutput(final, { force: true });
    await writeFile(output.partPath, 'new');
    await output.commit();
    expect(await readFile(final, 'utf8')).toBe('new');
  });

  it('does not overwrite a file that appeared during the download', async () => {
    const final = join(dir, 'clip.mp4');
    const output = await prepareOutput(final);
    await writeFile(output.partPath, 'new');
    await writeFile(final, 'someone else');
    expect((await rejection(output.commit())).code).toBe('E_OUTPUT_EXISTS');
    expect(await readFile(final, 'utf8')).toBe('someone else');
    expect(await readFile(output.partPath, 'utf8')).toBe('new');
  });

  it('refuses a symbolic link to a missing file as an existing output, not as a missing directory', async () => {
    const final = join(dir, 'clip.mp4');
    await symlink('gone.mp4', final);
    const error = await rejection(prepareOutput(final));
    expect(error.code).toBe('E_OUTPUT_EXISTS');
    expect(error.message).toBe(`Output path is a symbolic link to a missing file: "${final}"`);
    expect(error.hint).toBe('pass --force to replace the link with the file, or remove it');
    expect(await readlink(final)).toBe('gone.mp4');
  });

  it('replaces a symbolic link to a missing file with force, and creates nothing at its target', async () => {
    const final = join(dir, 'clip.mp4');
    await symlink('gone.mp4', final);
    const output = await prepareOutput(final, { force: true });
    await writeFile(output.partPath, 'new');
    await output.commit();
    expect((await lstat(final)).isFile()).toBe(true);
    expect(await readFile(final, 'utf8')).toBe('new');
    expect((await readdir(dir)).sort()).toEqual(['clip.mp4']);
  });

  it('refuses a missing directory unless asked to create it', async () => {
    const final = join(dir, 'a', 'b', 'clip.mp4');
    const error = await rejection(prepareOutput(final));
    expect(error.code).toBe('E_OUTPUT_WRITE');
    expect(error.hint).toBe('pass --mkdir to create it');
    await prepareOutput(final, { mkdir: true });
    expect((await stat(join(dir, 'a', 'b'))).isDirectory()).toBe(true);
  });

  it('refuses an output path that is a directory, even with force', async () => {
    expect((await rejection(prepareOutput(dir, { force: true }))).code).toBe('E_OUTPUT_WRITE');
  });

  it('refuses a parent path that is a file', async () => {
    await writeFile(join(dir, 'file'), '');
    expect((await rejection(prepareOutput(join(dir, 'file', 'clip.mp4'), { mkdir: true }))).code).toBe(
      'E_OUTPUT_WRITE',
    );
  });

  it('discards the part file, and tolerates a part that was never written', async () => {
    const output = await prepareOutput(join(dir, 'clip.mp4'));
    await output.discard();
    await writeFile(output.partPath, 'x');
    await output.discard();
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a commit without a part file as a write error naming the path', async () => {
    const output = await prepareOutput(join(dir, 'clip.mp4'));
    const error = await rejection(output.commit());
    expect(error.code).toBe('E_OUTPUT_WRITE');
    expect(error.message).toContain('clip.mp4');
  });
});

describe('toOutputError', () => {
  it('maps a real ENOSPC (writing /dev/full) to E_OUTPUT_WRITE with the path', async () => {
    let caught: unknown;
    await writeFile('/dev/full', 'x').catch((error: unknown) => {
      caught = error;
    });
    const error = toOutputError(caught, '/dev/full');
    expect(error).toBeInstanceOf(OutputError);
    expect(error.message).toBe('Could not write "/dev/full": no space left on device (ENOSPC)');
    expect(error.cause).toBe(caught);
  });

  it.each([
    ['EIO', 'I/O error'],
    ['EACCES', 'permission denied'],
    ['EROFS', 'read-only file system'],
    ['ESOMETHING', 'file system error'],
  ])('maps %s to E_OUTPUT_WRITE', (code, words) => {
    const error = toOutputError(Object.assign(new Error('raw'), { code }), 'out.mp4');
    expect(error).toMatchObject({ code: 'E_OUTPUT_WRITE', message: `Could not write "out.mp4": ${words} (${code})` });
  });

  it('passes kvs-clip errors and non-file errors through unchanged', () => {
    const typed = new OutputError('E_LOCKED', 'locked');
    const bug = new TypeError('bug');
    expect(toOutputError(typed, 'x')).toBe(typed);
    expect(toOutputError(bug, 'x')).toBe(bug);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the content with an owner-only file and leaves no temp file', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, 'old');
    await writeFileAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('fails with E_OUTPUT_WRITE and cleans up when the directory is missing', async () => {
    const error = await rejection(writeFileAtomic(join(dir, 'missing', 'state.json'), 'x'));
    expect(error.code).toBe('E_OUTPUT_WRITE');
    expect(await readdir(dir)).toEqual([]);
  });
});
