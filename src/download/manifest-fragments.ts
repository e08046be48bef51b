import { concatNumbers, numbersDigest, viewRows } from '../plan/fragment-numbers.js';
import type { Part } from '../plan/part.js';

/**
 * The resume manifest is rewritten after every part. Listing each part's fragment numbers in it made a 24 h manifest
 * ~2.3 MB (217 parts × 200 numbers of ~47 digits), written and fsynced ~430 times: more bytes than the video, and
 * more than half the run's time. A rerun lists the fragments again anyway and must match them exactly
 * (assertManifestFits), so the file stores each part's fragment count and a SHA-256 of its numbers instead, and a
 * rerun takes the numbers from its fresh plan where the digest agrees. In memory they stay packed
 * (plan/fragment-numbers.ts); the digest is the one `numbers.join(',')` of the strings gives, so manifests of
 * earlier versions still load.
 */

/** Digests by part: parts are immutable and the manifest is saved twice per part, so each is hashed once. */
const digests = new WeakMap<Part, string>();

/** A part as the manifest file stores it: without `fragmentNumbers`, with their digest. */
export function compactPart(part: Part): Omit<Part, 'fragmentNumbers'> & { readonly fragmentNumbersSha256: string } {
  const { fragmentNumbers, ...rest } = part;
  let digest = digests.get(part);
  if (digest === undefined) {
    digest = numbersDigest(fragmentNumbers);
    digests.set(part, digest);
  }
  return { ...rest, fragmentNumbersSha256: digest };
}

/**
 * Fills in `fragmentNumbers` of the stored parts (parsed JSON, not yet validated) from `plan`, walking both in
 * order: each gets a view of the plan's numbers at that position (one packed copy of them all). Returns the index of the first
 * stored part whose count and digest do not match (its numbers are left out, so validation reports it), or -1 when
 * all match. Entries of the wrong shape are left as they are for the validator. Never throws.
 */
export function expandParts(entries: readonly unknown[], plan: readonly Part[]): number {
  const planned = concatNumbers(plan.map((part) => part.fragmentNumbers));
  let offset = 0;
  for (const [i, entry] of entries.entries()) {
    if (typeof entry !== 'object' || entry === null || !('part' in entry)) continue;
    const part: unknown = entry.part;
    if (typeof part !== 'object' || part === null) continue;
    if ('fragmentNumbers' in part) {
      // A manifest written before the digests: its numbers are checked against the plan by assertManifestFits.
      if (Array.isArray(part.fragmentNumbers)) offset += part.fragmentNumbers.length;
      continue;
    }
    if (!('fragmentCount' in part) || !('fragmentNumbersSha256' in part)) continue;
    const count = part.fragmentCount;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) return i;
    if (
      offset + count > planned.length ||
      numbersDigest(planned, offset, offset + count) !== part.fragmentNumbersSha256
    )
      return i;
    const { fragmentNumbersSha256: _digest, ...rest } = part;
    Object.assign(entry, { part: { ...rest, fragmentNumbers: viewRows(planned, offset, offset + count) } });
    offset += count;
  }
  return -1;
}
