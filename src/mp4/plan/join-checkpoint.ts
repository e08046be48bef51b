/**
 * The resume checkpoint of a progressive join: small JSON that a caller stores (e.g. in its download manifest) and
 * hands back to `createJoiner({ resume })`, validated here because it comes back from disk.
 */
import { UsageError } from '../../errors/usage-error.js';
import type { OutputFormat } from '../model.js';
import type { GapPolicy } from './join-timeline.js';

/**
 * JSON-safe state after a committed part (a few hundred bytes). The parts' indexes live in the journal file
 * `<output>.kvsjoin` beside the output; a resume replays its first `journalBytes` bytes and truncates the output to
 * `committedBytes`. The journal is deleted when the join finishes.
 */
export type JoinCheckpoint = {
  /** 2 since `payloadOffset`; a version 1 checkpoint is read as one with the unreserved `PAYLOAD_OFFSET`. */
  readonly version: 2;
  readonly format: OutputFormat;
  readonly gaps: GapPolicy;
  readonly largeFileThresholdBytes: number;
  /** Bytes of the output that are complete and durable. */
  readonly committedBytes: number;
  readonly parts: number;
  readonly journalBytes: number;
  /** Where the mdat payload starts in the output (after any room reserved for moov); 0 for fragmented output. */
  readonly payloadOffset: number;
};

/**
 * Told to the user with every refused resume: the CLI's way to start over (docs/resume-and-state.md, "Resume
 * manifest").
 */
export const START_OVER_HINT = 'Pass --no-continue to start over (the partial files are replaced)';

/**
 * Validates a checkpoint read back from disk for resuming the output at `settings.path` (named in the errors).
 * Throws `UsageError('E_USAGE')`, hinting `--no-continue`, when it does not fit this join.
 */
export function checkCheckpoint(
  value: unknown,
  settings: { gaps: GapPolicy; threshold: number; path: string; unreservedPayloadOffset: number },
): JoinCheckpoint {
  const c: Partial<Record<keyof JoinCheckpoint, unknown>> = typeof value === 'object' && value !== null ? value : {};
  // Version 1 predates the moov reservation: its payload always started right after ftyp and the mdat header.
  const payloadOffset = c.version === 1 ? settings.unreservedPayloadOffset : c.payloadOffset;
  const numbers = [c.committedBytes, c.parts, c.journalBytes, c.largeFileThresholdBytes, payloadOffset];
  const known = c.version === 1 || c.version === 2;
  if (
    !known ||
    c.format !== 'progressive' ||
    !numbers.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)
  ) {
    throw new UsageError('E_USAGE', `Not a resumable join checkpoint for ${settings.path}: ${describe(value)}`, {
      hint: START_OVER_HINT,
    });
  }
  if (c.gaps !== settings.gaps || c.largeFileThresholdBytes !== settings.threshold) {
    throw new UsageError(
      'E_USAGE',
      `Checkpoint settings for ${settings.path} (gaps ${String(c.gaps)}) differ from this join's (gaps ${settings.gaps})`,
      {
        hint: START_OVER_HINT,
      },
    );
  }
  if (Number(payloadOffset) < settings.unreservedPayloadOffset || Number(payloadOffset) > Number(c.committedBytes)) {
    throw new UsageError(
      'E_USAGE',
      `Checkpoint for ${settings.path} has an impossible payload offset ${String(payloadOffset)}`,
      { hint: START_OVER_HINT },
    );
  }
  return {
    version: 2,
    format: 'progressive',
    gaps: settings.gaps,
    largeFileThresholdBytes: settings.threshold,
    committedBytes: Number(c.committedBytes),
    parts: Number(c.parts),
    journalBytes: Number(c.journalBytes),
    payloadOffset: Number(payloadOffset),
  };
}

/** A short rendering of what was found instead of a checkpoint, for the error message. */
function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
