/**
 * The resume checkpoint of a progressive join: small JSON that a caller stores (e.g. in its download manifest) and
 * hands back to `createJoiner({ resume })`, validated here because it comes back from disk.
 */
import { UsageError } from '../errors/usage-error.js';
import type { GapPolicy } from './join-timeline.js';

/**
 * JSON-safe state after a committed part (a few hundred bytes). The parts' indexes live in the journal file
 * `<output>.kvsjoin` beside the output; a resume replays its first `journalBytes` bytes and truncates the output to
 * `committedBytes`. The journal is deleted when the join finishes.
 */
export type JoinCheckpoint = {
  readonly version: 1;
  readonly format: 'progressive' | 'fmp4';
  readonly gaps: GapPolicy;
  readonly largeFileThresholdBytes: number;
  /** Bytes of the output that are complete and durable. */
  readonly committedBytes: number;
  readonly parts: number;
  readonly journalBytes: number;
};

/** Validates a checkpoint read back from disk. Throws `UsageError('E_USAGE')` when it does not fit this join. */
export function checkCheckpoint(value: unknown, settings: { gaps: GapPolicy; threshold: number }): JoinCheckpoint {
  const c: Partial<Record<keyof JoinCheckpoint, unknown>> = typeof value === 'object' && value !== null ? value : {};
  const numbers = [c.committedBytes, c.parts, c.journalBytes, c.largeFileThresholdBytes];
  if (c.version !== 1 || c.format !== 'progressive' || !numbers.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) {
    throw new UsageError('E_USAGE', 'Not a resumable join checkpoint', { hint: 'Start over without resuming.' });
  }
  if (c.gaps !== settings.gaps || c.largeFileThresholdBytes !== settings.threshold) {
    throw new UsageError('E_USAGE', `Checkpoint settings (gaps ${String(c.gaps)}) differ from this join's (gaps ${settings.gaps})`);
  }
  return {
    version: 1,
    format: 'progressive',
    gaps: settings.gaps,
    largeFileThresholdBytes: settings.threshold,
    committedBytes: Number(c.committedBytes),
    parts: Number(c.parts),
    journalBytes: Number(c.journalBytes),
  };
}

