import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Scratch folders of this process not yet removed: taken away even when the process exits without unwinding. */
const live = new Set<string>();
let hooked = false;

/**
 * A private scratch folder in $TMPDIR (`kvs-clip-XXXXXX`, mode 0700) for a run that cannot resume (`-o -`). It is
 * removed by `remove()` and, should the process end first (a closed pipe ends it at once, as does a second Ctrl-C
 * or the cancel grace running out), by an exit hook, so no failed or cut-short run leaves it behind.
 */
export async function makeScratchDir(): Promise<{ readonly path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'kvs-clip-'));
  live.add(path);
  if (!hooked) {
    hooked = true;
    process.once('exit', removeLeftovers);
  }
  return {
    path,
    async remove() {
      await rm(path, { recursive: true, force: true });
      live.delete(path);
    },
  };
}

function removeLeftovers(): void {
  for (const path of live) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Exiting: nothing can be reported any more, and a folder in $TMPDIR harms nothing.
    }
  }
  live.clear();
}
