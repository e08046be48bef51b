import { stat } from 'node:fs/promises';

/** Whether something exists at `path` (a --skip-existing check before any download). */
export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
