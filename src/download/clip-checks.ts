import { MediaError } from '../errors/media-error.js';
import type { Clip } from '../mp4/model.js';

/** A clip that arrived but holds codecs the joiner cannot take: final, and never a reason to bisect. */
export class UnreadableClipError extends MediaError {
  constructor(cause: MediaError) {
    super('E_MEDIA_UNSUPPORTED', cause.message, cause.hint === undefined ? { cause } : { cause, hint: cause.hint });
  }
}

/**
 * Video duration of a clip in ms (media time of its first video track, or of the first track): what the truncation
 * check (attempt-outcome.ts, isShortOfPlan) compares with the plan's fragment lengths.
 */
export function clipDurationMs(clip: Clip): number {
  const track = clip.tracks.find((t) => t.kind === 'video') ?? clip.tracks[0];
  if (track === undefined) return 0;
  const { durations, sampleCounts, unitCount } = track.samples;
  let ticks = 0;
  for (let i = 0; i < unitCount; i++) ticks += (durations[i] ?? 0) * (sampleCounts?.[i] ?? 1);
  return (ticks * 1000) / track.timescale;
}

// Top-level boxes a GetClip body (or any ISO BMFF file) can start with (ISO/IEC 14496-12 §4.2, §8.16).
const FIRST_BOX_TYPES = new Set(['ftyp', 'styp', 'moov', 'moof', 'mdat', 'free', 'skip', 'sidx', 'wide', 'uuid']);

/** Whether `head` (the first bytes of a body) starts with an ISO BMFF box header: a sane size and a known type. */
export function looksLikeMp4(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  const size = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0);
  const type = String.fromCharCode(head[4] ?? 0, head[5] ?? 0, head[6] ?? 0, head[7] ?? 0);
  return (size === 0 || size === 1 || size >= 8) && FIRST_BOX_TYPES.has(type);
}

/**
 * A GetClip answer that is not an MP4 at all (moto's 16-byte `sample-mp4-video`, a proxy's page): asking again
 * gets the same body, so it is final, not a truncated body to retry.
 */
export class NotMp4BodyError extends MediaError {
  constructor(sizeBytes: number, head: Uint8Array) {
    const printable = Array.from(head.subarray(0, 16), (byte) =>
      byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.',
    ).join('');
    const hex = Array.from(head.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
    super(
      'E_MP4_PARSE',
      `GetClip returned ${sizeBytes} bytes starting "${printable}" (${hex}): not an MP4: is this a real KVS endpoint?`,
      { hint: 'check --endpoint-url: it should be Kinesis Video Streams or the bundled emulator' },
    );
  }
}
