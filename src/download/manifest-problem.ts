import { isPackedNumbers, numberAt } from '../plan/fragment-numbers.js';

/**
 * What is wrong with a parsed resume manifest, or null when every field has the type and range this version writes
 * and the fields agree with each other. The manifest comes back from disk, where a crash, a full disk or a hand edit
 * can change any number; trusting a wrong `committedParts` would skip or repeat parts and still exit 0 (issue 6),
 * so use this before acting on any field. `version` is the format version the caller writes. Never throws.
 */
export function manifestProblem(value: unknown, version: number): string | null {
  if (!isRecord(value)) return 'not a JSON object';
  if (value.version !== version) return `version ${show(value.version)}, expected ${version}`;
  const identity = identityProblem(value.identity);
  if (identity !== null) return identity;
  if (!Array.isArray(value.parts)) return '"parts" is not an array';
  const parts: unknown[] = value.parts;
  const committed = value.committedParts;
  if (!isCount(committed) || committed > parts.length) {
    return `committedParts ${show(committed)} is not a whole number from 0 to the ${parts.length} planned parts`;
  }
  let previousStartMs = -Infinity;
  for (const [i, entry] of parts.entries()) {
    const problem = entryProblem(entry, i < committed);
    if (problem !== null) return `part ${i + 1}: ${problem}`;
    const startMs = isRecord(entry) && isRecord(entry.part) ? Number(entry.part.startMs) : NaN;
    if (!(startMs >= previousStartMs)) return `part ${i + 1} starts before part ${i}`;
    previousStartMs = startMs;
  }
  return checkpointProblem(value.checkpoint, committed);
}

function identityProblem(value: unknown): string | null {
  if (!isRecord(value)) return '"identity" is not an object';
  if (typeof value.streamName !== 'string' || value.streamName === '')
    return 'identity.streamName is not a stream name';
  if (value.streamArn !== null && typeof value.streamArn !== 'string')
    return 'identity.streamArn is not a string or null';
  if (value.selector !== 'server' && value.selector !== 'producer')
    return `identity.selector ${show(value.selector)} is not server or producer`;
  if (typeof value.align !== 'string' || typeof value.layout !== 'string')
    return 'identity.align or identity.layout is not a string';
  const window = value.window;
  if (!isRecord(window) || !isInstant(window.startMs) || !isInstant(window.endMs) || window.startMs > window.endMs) {
    return 'identity.window is not a start ≤ end pair of epoch milliseconds';
  }
  return null;
}

/** One `parts` entry; the first `committedParts` entries are joined, the others are not (yet). */
function entryProblem(entry: unknown, joined: boolean): string | null {
  if (!isRecord(entry)) return 'not an object';
  const status = entry.status;
  if (status !== 'planned' && status !== 'downloaded' && status !== 'committed')
    return `status ${show(status)} is unknown`;
  if (joined !== (status === 'committed')) return `status ${status} contradicts committedParts`;
  // A downloaded or committed part always has its clip's size recorded, a downloaded one its spool file's sha256 too
  // (a part streamed into the output was never hashed); a planned one may have neither.
  const recorded = status !== 'planned';
  if ((recorded || entry.sizeBytes !== undefined) && !isCount(entry.sizeBytes))
    return `sizeBytes ${show(entry.sizeBytes)} is not a byte count`;
  if (
    (status === 'downloaded' || entry.sha256 !== undefined) &&
    !(typeof entry.sha256 === 'string' && /^[0-9a-f]{64}$/.test(entry.sha256))
  ) {
    return `sha256 ${show(entry.sha256)} is not 64 hex digits`;
  }
  return partProblem(entry.part);
}

function partProblem(part: unknown): string | null {
  if (!isRecord(part)) return '"part" is not an object';
  if (!isCount(part.index)) return `index ${show(part.index)} is not a whole number ≥ 0`;
  if (!isInstant(part.startMs) || !isInstant(part.endMs) || part.startMs > part.endMs)
    return 'startMs/endMs are not a start ≤ end pair';
  if (!isCount(part.sizeBytes)) return `sizeBytes ${show(part.sizeBytes)} is not a byte count`;
  const media = [part.mediaStartMs, part.mediaEndMs, part.mediaDurationMs];
  if (!media.every((n) => typeof n === 'number' && Number.isFinite(n)) || Number(part.mediaDurationMs) < 0)
    return 'media times are not numbers';
  // Packed when filled in from this run's plan (manifest-fragments.ts), strings in a manifest written before digests.
  const packed = isPackedNumbers(part.fragmentNumbers) ? part.fragmentNumbers : undefined;
  const listed = Array.isArray(part.fragmentNumbers) ? (part.fragmentNumbers as unknown[]) : undefined;
  if (packed === undefined && (listed === undefined || !listed.every(isFragmentNumber)))
    return 'fragmentNumbers is not a list of fragment numbers';
  const count = packed?.length ?? listed?.length ?? 0;
  if (part.fragmentCount !== count)
    return `fragmentCount ${show(part.fragmentCount)} is not the ${count} fragments listed`;
  const first = packed !== undefined ? numberAt(packed, 0) : listed?.[0];
  const last = packed !== undefined ? numberAt(packed, count - 1) : listed?.[count - 1];
  if (count > 0 && (part.firstFragmentNumber !== first || part.lastFragmentNumber !== last)) {
    return 'first/lastFragmentNumber do not match fragmentNumbers';
  }
  return null;
}

/**
 * The joiner's checkpoint is opaque here except for the counts a resume acts on: it must exist exactly when parts
 * are committed, and record the same number of parts.
 */
function checkpointProblem(checkpoint: unknown, committed: number): string | null {
  if (committed === 0) return checkpoint === null ? null : 'a checkpoint is recorded but no part is committed';
  if (!isRecord(checkpoint)) return `the checkpoint is not an object though ${committed} parts are committed`;
  if (!isCount(checkpoint.committedBytes) || !isCount(checkpoint.journalBytes))
    return 'the checkpoint byte counts are not whole numbers ≥ 0';
  if (checkpoint.parts !== committed)
    return `the checkpoint has ${show(checkpoint.parts)} parts, committedParts says ${committed}`;
  return null;
}

/** Every field name read here; each is `unknown` until checked. */
type FieldName =
  | 'version'
  | 'identity'
  | 'parts'
  | 'committedParts'
  | 'checkpoint'
  | 'streamName'
  | 'streamArn'
  | 'selector'
  | 'align'
  | 'layout'
  | 'window'
  | 'part'
  | 'status'
  | 'sizeBytes'
  | 'sha256'
  | 'index'
  | 'startMs'
  | 'endMs'
  | 'mediaStartMs'
  | 'mediaEndMs'
  | 'mediaDurationMs'
  | 'fragmentNumbers'
  | 'fragmentCount'
  | 'firstFragmentNumber'
  | 'lastFragmentNumber'
  | 'committedBytes'
  | 'journalBytes';
type Fields = { readonly [K in FieldName]?: unknown };

/** Narrows to a plain object without claiming any field's type; callers check each field they read. */
function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isInstant(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function isFragmentNumber(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9]{1,64}$/.test(value);
}

/** A field's value for a message, however odd (a missing field reads "missing"). */
function show(value: unknown): string {
  return JSON.stringify(value) ?? 'missing';
}
