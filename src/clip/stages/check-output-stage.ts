import { isS3Uri } from '../../s3/s3-uri.js';
import type { TimeRange } from '../../plan/fragment.js';
import { checkOutputEarly, nameNeedsClampedWindow } from '../check-output-early.js';
import type { GetOptions } from '../get-types.js';

/**
 * Stage 1 (and again after the retention clamp): refuse an output that cannot be written before any GetClip, or
 * find it already in place (--skip-existing). `when` says which of the two calls this is: a name that depends on
 * the clamped window is checked only after DescribeStream. Cron mode keeps its own bookkeeping of outputs.
 * Resolves with the final path to skip to, or null to go on.
 */
export async function checkOutputStage(
  options: GetOptions,
  facts: { cwd: string; window: TimeRange; when: 'before-describe' | 'after-describe' },
): Promise<string | null> {
  if (options.cron !== undefined) return null;
  // An S3 key is checked by its target, before the first GetClip (targets/s3-object.ts).
  if (options.output.path !== undefined && isS3Uri(options.output.path)) return null;
  const late = nameNeedsClampedWindow(options);
  if (late !== (facts.when === 'after-describe')) return null;
  const checked = await checkOutputEarly(options, { cwd: facts.cwd, window: facts.window, existingIsDone: false });
  return checked.kind === 'skip' ? checked.finalPath : null;
}
