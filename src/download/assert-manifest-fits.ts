import { stat } from 'node:fs/promises';
import { UsageError } from '../errors/usage-error.js';
import { concatNumbers, firstDifference, numberAt, type FragmentNumbers } from '../plan/fragment-numbers.js';
import type { Part } from '../plan/part.js';
import type { ResumeManifest } from './manifest.js';

/** The files a resume continues: the joiner's output `<final>.part` and its journal `<final>.part.kvsjoin`. */
export type ResumeFiles = { readonly partPath: string; readonly journalPath: string };

/**
 * Checks a well-formed manifest (see `readManifest`) against this run's fresh plan and the files on disk, before
 * any of it is trusted: the manifest's parts must cover exactly the plan's fragments in order (re-planning during
 * the interrupted run may cut them differently), and when parts are committed the `.part` and its journal must hold
 * at least the bytes the checkpoint says were made durable. Spooled clips are checked by size and sha256 when
 * reused (fetch-parts). Throws UsageError `E_USAGE` naming `manifestPath` and the first mismatch, hinting
 * `--no-continue` (docs/resume-and-state.md, "Resume manifest": a mismatch is exit 2; starting over silently would
 * discard work the user may want).
 */
export async function assertManifestFits(
  manifest: ResumeManifest,
  plan: readonly Part[],
  files: ResumeFiles,
  manifestPath: string,
): Promise<void> {
  const found = concatNumbers(manifest.parts.map((entry) => entry.part.fragmentNumbers));
  const planned = concatNumbers(plan.map((part) => part.fragmentNumbers));
  const at = firstDifference(found, planned);
  if (at >= 0) {
    const name = (numbers: FragmentNumbers): string => (at < numbers.length ? numberAt(numbers, at) : '(none)');
    throw mismatch(
      manifestPath,
      `its parts list fragment ${name(found)} where the plan has ${name(planned)} (fragment ${at + 1})`,
    );
  }
  if (manifest.committedParts === 0) return;
  // manifestProblem guarantees these counts when parts are committed.
  const checkpoint: { committedBytes?: unknown; journalBytes?: unknown } =
    typeof manifest.checkpoint === 'object' && manifest.checkpoint !== null ? manifest.checkpoint : {};
  await assertAtLeast(files.partPath, Number(checkpoint.committedBytes), manifestPath);
  await assertAtLeast(files.journalPath, Number(checkpoint.journalBytes), manifestPath);
}

async function assertAtLeast(path: string, bytes: number, manifestPath: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (cause) {
    throw mismatch(
      manifestPath,
      `${path} is missing or unreadable (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      cause,
    );
  }
  if (size < bytes)
    throw mismatch(manifestPath, `${path} has ${size} bytes, the checkpoint says ${bytes} were written`);
}

function mismatch(manifestPath: string, why: string, cause?: unknown): UsageError {
  return new UsageError('E_USAGE', `Cannot resume from ${manifestPath}: ${why}`, {
    hint: 'Pass --no-continue to start over (the manifest and partial files are replaced)',
    cause,
  });
}
