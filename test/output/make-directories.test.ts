import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDirectories } from '../../src/output/make-directories.js';

describe('makeDirectories', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const temp = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'kvs-mkdirs-'));
    dirs.push(d);
    return d;
  };

  it('creates every missing level with the given mode and accepts an existing directory', async () => {
    const root = temp();
    const deep = join(root, 'a', 'b', 'c');
    await makeDirectories(deep, { mode: 0o700 });
    for (const level of [join(root, 'a'), join(root, 'a', 'b'), deep]) {
      expect(statSync(level).isDirectory()).toBe(true);
      expect(statSync(level).mode & 0o777).toBe(0o700);
    }
    await expect(makeDirectories(deep)).resolves.toBeUndefined();
  });

  it('fails with the errno of the level that cannot be created instead of spinning (a /proc path)', async () => {
    await expect(makeDirectories('/proc/kvs-clip-no/such')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails with ENOTDIR below a regular file', async () => {
    const root = temp();
    writeFileSync(join(root, 'file'), 'x');
    await expect(makeDirectories(join(root, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
