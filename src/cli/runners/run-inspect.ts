import { describeBoxTree, inspectClip, type ClipSummary } from '../../mp4/read/inspect.js';
import { openFileSource } from '../../mp4/write/file-source.js';
import { readClip } from '../../mp4/read/read-clip.js';
import { formatDuration } from '../../time/format-duration.js';
import type { InspectOptions } from '../commands/inspect.js';
import type { CliIo } from '../io.js';
import { formatBytes } from '../../text/format-bytes.js';
import type { InspectJsonResult } from '../render/json.js';

/**
 * `kvs-clip inspect FILE`: parse the MP4 (any layout) and describe its tracks and boxes, as text on stdout or as
 * the --json result. Throws MediaError E_MP4_PARSE (with offset and box path) for a malformed file and UsageError
 * for a missing one, as openFileSource/readClip do.
 */
export async function runInspect(options: InspectOptions, io: CliIo): Promise<InspectJsonResult> {
  const source = await openFileSource(options.file);
  try {
    const summary = inspectClip(await readClip(source, { name: options.file }));
    const tree = await describeBoxTree(source);
    const result: InspectJsonResult = {
      command: 'inspect',
      file: options.file,
      bytes: summary.sizeBytes,
      layout: summary.layout,
      durationMs: summary.durationMs,
      tracks: summary.tracks.map((track) => ({
        id: track.trackId,
        kind: track.kind,
        codec: track.codec,
        fourcc: track.fourcc,
        timescale: track.timescale,
        samples: track.sampleCount,
        syncSamples: track.syncSampleCount,
        durationMs: track.durationMs,
        configurations: track.stsdEntryCount,
        ...(track.kind === 'video' ? { width: track.width, height: track.height } : {}),
        ...(track.sampleRate === undefined ? {} : { sampleRate: track.sampleRate }),
        ...(track.channelCount === undefined ? {} : { channels: track.channelCount }),
      })),
      boxes: tree.filter((line) => line.depth === 0).map((line) => line.type),
      ...(options.boxes ? { boxTree: tree } : {}),
    };
    if (!options.mode.json) io.stdout.write(inspectText(result, summary));
    return result;
  } finally {
    await source.close();
  }
}

function inspectText(result: InspectJsonResult, summary: ClipSummary): string {
  const lines = [
    `${result.file}: ${formatBytes(result.bytes)}, ${result.layout}, ${formatDuration(summary.durationMs)}, boxes ${summariseBoxes(result.boxes)}`,
  ];
  for (const track of result.tracks) {
    const detail =
      track.kind === 'video'
        ? `${track.width ?? 0}x${track.height ?? 0}`
        : `${track.sampleRate ?? '?'} Hz${track.channels === undefined ? '' : ` ${track.channels} ch`}`;
    const configurations = track.configurations > 1 ? `, ${track.configurations} configurations` : '';
    lines.push(
      `  track ${track.id}: ${track.kind} ${track.codec} (${track.fourcc}) ${detail}, ${track.samples} samples ` +
        `(${track.syncSamples} sync), ${formatDuration(track.durationMs)}, timescale ${track.timescale}${configurations}`,
    );
  }
  for (const box of result.boxTree ?? []) {
    lines.push(`${'  '.repeat(box.depth + 1)}${box.type}  @${box.offset} size ${box.size}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The top-level box list with repeats folded: a fragmented file's thousands of `moof mdat` pairs read as
 * `ftyp moov (moof mdat)×1800 mfra` (--json and --boxes keep every box).
 */
export function summariseBoxes(types: readonly string[]): string {
  const words: string[] = [];
  let at = 0;
  while (at < types.length) {
    const runOf = (width: number): number => {
      let n = 1;
      while (types.slice(at + n * width, at + (n + 1) * width).join(' ') === types.slice(at, at + width).join(' ')) n++;
      return n;
    };
    const pairs = at + 1 < types.length ? runOf(2) : 1;
    const singles = runOf(1);
    if (pairs > 1 && pairs * 2 > singles) {
      words.push(`(${types[at] ?? ''} ${types[at + 1] ?? ''})×${pairs}`);
      at += pairs * 2;
    } else {
      words.push(singles > 1 ? `${types[at] ?? ''}×${singles}` : (types[at] ?? ''));
      at += singles;
    }
  }
  return words.join(' ');
}
