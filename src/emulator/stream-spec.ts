import type { ClipError } from './emulated-stream.js';

/** The synthetic media presets, each looping a committed fixture (test/fixtures/<preset>.full.*). */
export const PRESETS = ['h264', 'h264_aac', 'h265', 'h265_aac', 'h264_alaw'] as const;
export type Preset = (typeof PRESETS)[number];

/** A daily UTC time of day ("10:00") or an absolute instant in epoch ms. */
export type TimeMark = { readonly dailyMinute: number } | { readonly atMs: number };

/** An offline window: producer time in [from, to) has no fragments. Daily marks repeat every UTC day. */
export type GapSpec = { readonly from: TimeMark; readonly to: TimeMark };

/**
 * One stream to serve. Everything but `name` and `source` has a default: fragment 2 s, span 1 h ending at the
 * emulator's start, retention 168 h, no gaps, skew 0, jitter 40 ms, bitrate 1×, no codec-config change.
 */
export type StreamSpec = {
  readonly name: string;
  /** A preset name, or a user's MP4 served once (cut at keyframes into fragments). */
  readonly source: { readonly preset: Preset } | { readonly file: string };
  readonly fragmentSeconds?: number;
  readonly spanMs?: number;
  /** Server time of the end of the span (default: the emulator clock at start-up). */
  readonly endMs?: number;
  readonly retentionHours?: number;
  readonly gaps?: readonly GapSpec[];
  /** server = producer + skew (+ jitter). */
  readonly skewMs?: number;
  readonly jitterMs?: number;
  /** ≥ 1: video samples padded with filler NAL units to this multiple of their size. */
  readonly bitrate?: number;
  /** Each mark toggles between the preset's codec configuration and a second resolution (H.264 presets only). */
  readonly cpdChanges?: readonly TimeMark[];
  /** Keep producing fragments after `endMs`; they appear as the emulator clock passes them (cron / follow tests). */
  readonly live?: boolean;
  /** GetClip answers this producer-side media error (UnsupportedStreamMediaType / MissingCodecPrivateData). */
  readonly clipError?: ClipError;
  /**
   * Fragment times, numbers and media derive from absolute time (slots on a grid counted from the Unix epoch), so
   * emulators started at different moments serve identical fragments for the same times (docs/emulator.md,
   * "Stable streams"). Presets only; the demo stream sets it so `--local` downloads resume.
   */
  readonly epochSlots?: boolean;
  /** The stream's CreationTime (and ARN suffix); default an hour before the span starts. */
  readonly createdMs?: number;
};

/** The --stream grammar, for --help and error messages. */
export const STREAM_SPEC_GRAMMAR = [
  'NAME=SOURCE[,KEY=VALUE]...   SOURCE = h264 | h264_aac | h265 | h265_aac | h264_alaw | path/to/video.mp4',
  '  NAME may hold one range for a fleet: cam[1-50]=h264_aac,live serves cam1 ... cam50 (cam[01-50]: cam01 ...)',
  '  fragment=2s          fragment length, whole seconds 1-10 (default 2s)',
  '  span=48h             archive length ending at end= (default 1h; units ms s m h d)',
  '  end=2026-01-01T00:00:00Z  server time the archive ends (default: now)',
  '  retention=72h        DataRetentionInHours (default 168h; 0 = no archive)',
  '  gap=10:00-10:05      producer offline daily (UTC), or gap=ISO/ISO once; repeatable',
  '  skew=11s             server timestamp = producer + skew (+ seeded jitter < jitter=, default 40ms)',
  '  bitrate=4x           pad video with filler NAL units to 4x its size',
  '  cpd-change=12:00     toggle to a second resolution (480x270) at this UTC time of day (each day starts at',
  "                       the preset's), or at an ISO instant; repeatable; H.264 presets only",
  '  live                 keep ingesting after end=: new fragments appear as time passes',
  '  clip-error=unsupported-media-type | missing-codec-private-data   GetClip fails as AWS does for such a producer',
].join('\n');

/**
 * Parses one `--stream` value (see STREAM_SPEC_GRAMMAR). Throws RangeError with the offending part for anything
 * malformed; the CLI turns it into a usage error.
 */
export function parseStreamSpec(text: string): StreamSpec {
  const [head = '', ...options] = text.split(',');
  const eq = head.indexOf('=');
  if (eq <= 0) throw new RangeError(`stream spec "${text}" must start with NAME=SOURCE`);
  const name = head.slice(0, eq);
  if (!/^[a-zA-Z0-9_.-]{1,256}$/.test(name))
    throw new RangeError(`stream name "${name}" must match [a-zA-Z0-9_.-]{1,256}`);
  const sourceText = head.slice(eq + 1);
  const preset = PRESETS.find((p) => p === sourceText);
  const spec: { -readonly [K in keyof StreamSpec]: StreamSpec[K] } = {
    name,
    source: preset === undefined ? { file: sourceText } : { preset },
  };
  const gaps: GapSpec[] = [];
  const cpdChanges: TimeMark[] = [];
  for (const option of options) {
    const at = option.indexOf('=');
    const key = at < 0 ? option : option.slice(0, at);
    const value = option.slice(at + 1);
    if (key === 'live' && at < 0) {
      spec.live = true;
      continue;
    }
    switch (at < 0 ? '' : key) {
      case 'fragment': {
        const ms = parseDurationMs(value);
        if (ms % 1000 !== 0 || ms < 1000 || ms > 10_000)
          throw new RangeError(`fragment=${value}: must be whole seconds 1s-10s`);
        spec.fragmentSeconds = ms / 1000;
        break;
      }
      case 'span':
        spec.spanMs = parseDurationMs(value);
        break;
      case 'end':
        spec.endMs = parseInstant(value);
        break;
      case 'retention':
        spec.retentionHours = value === '0' ? 0 : parseDurationMs(value) / 3_600_000;
        break;
      case 'gap': {
        const [from = '', to = ''] = value.includes('/') ? value.split('/') : value.split('-');
        gaps.push({ from: parseMark(from), to: parseMark(to) });
        break;
      }
      case 'skew':
        spec.skewMs = value.startsWith('-') ? -parseDurationMs(value.slice(1)) : parseDurationMs(value);
        break;
      case 'jitter':
        spec.jitterMs = parseDurationMs(value);
        break;
      case 'bitrate': {
        const multiple = Number(value.replace(/x$/, ''));
        if (!Number.isFinite(multiple) || multiple < 1)
          throw new RangeError(`bitrate=${value}: expected a multiplier ≥ 1 such as 4x`);
        spec.bitrate = multiple;
        break;
      }
      case 'clip-error':
        if (value !== 'unsupported-media-type' && value !== 'missing-codec-private-data')
          throw new RangeError(`clip-error=${value}: expected unsupported-media-type or missing-codec-private-data`);
        spec.clipError = value;
        break;
      case 'cpd-change':
        cpdChanges.push(parseMark(value));
        break;
      default:
        throw new RangeError(`unknown stream option "${option}" in "${text}"`);
    }
  }
  if (gaps.length > 0) spec.gaps = gaps;
  if (cpdChanges.length > 0) spec.cpdChanges = cpdChanges;
  return spec;
}

/** "500ms", "2s", "5m", "48h", "7d" → ms. Throws RangeError. */
export function parseDurationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (match === null) throw new RangeError(`duration "${text}": expected e.g. 2s, 5m, 48h, 7d`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(match[1]) * unit);
}

function parseMark(text: string): TimeMark {
  const daily = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (daily !== null) {
    const minute = Number(daily[1]) * 60 + Number(daily[2]);
    if (minute >= 24 * 60) throw new RangeError(`time of day "${text}" is past 23:59`);
    return { dailyMinute: minute };
  }
  return { atMs: parseInstant(text) };
}

function parseInstant(text: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms))
    throw new RangeError(`instant "${text}": expected HH:MM or an ISO 8601 time such as 2026-01-01T10:00:00Z`);
  return ms;
}
