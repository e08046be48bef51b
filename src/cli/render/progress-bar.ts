import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';
import type { SingleBar } from 'cli-progress';
import { formatDuration } from '../../time/format-duration.js';
import type { CliIo } from '../io.js';
import { formatBytes } from '../../text/format-bytes.js';
import { uploadText, type UploadFigures } from './upload-progress.js';

/** What the bar shows besides the byte fraction. */
export type ProgressState = {
  readonly bytes: number;
  /** Σ FragmentSizeInBytes of the plan (GetClip may not send Content-Length). */
  readonly plannedBytes: number;
  readonly partsDone: number;
  readonly parts: number;
  readonly mediaDoneMs: number;
  readonly mediaTotalMs: number;
  /** With `-o s3://…`, once the first part is sent: the upload's own bytes, rate and ETA. */
  readonly upload?: UploadFigures | undefined;
};

/** The TTY progress bar on stderr; `log` prints a line above it without tearing it. */
export type ProgressBar = {
  update(state: ProgressState): void;
  log(line: string): void;
  stop(): void;
};

/**
 * A cli-progress bar on stderr: bytes of planned bytes (the percentage), parts done/total, media time covered,
 * speed and ETA of the download, then (S3) the upload's bytes, rate and ETA. Only for a TTY stderr without -q/--json/--no-progress (the caller decides, see OutputMode).
 */
export function createProgressBar(io: CliIo, startMs: number): ProgressBar {
  // Loaded only when a bar is drawn: -q, --json, --no-progress and cron runs never pay for cli-progress and its
  // string-width dependencies. A CommonJS package, so a synchronous require keeps the renderer synchronous.
  const { MultiBar } = loadCliProgress();
  let latest: ProgressState = { bytes: 0, plannedBytes: 0, partsDone: 0, parts: 0, mediaDoneMs: 0, mediaTotalMs: 0 };
  const multi = new MultiBar({
    stream: io.stderr,
    // The caller decided from io.stderrIsTTY that this is a terminal; trust it rather than re-probing the stream.
    noTTYOutput: io.stderrIsTTY,
    hideCursor: true,
    clearOnComplete: true,
    barsize: 24,
    fps: 5,
    format: (options, params) => {
      const bar = options.barCompleteString?.slice(0, Math.round(params.progress * (options.barsize ?? 24))) ?? '';
      const rest = options.barIncompleteString?.slice(0, (options.barsize ?? 24) - bar.length) ?? '';
      const elapsedS = Math.max((io.now() - startMs) / 1000, 0.001);
      const speed = latest.bytes / elapsedS;
      const etaS = speed > 0 ? Math.max(latest.plannedBytes - latest.bytes, 0) / speed : Number.NaN;
      return (
        `${bar}${rest} ${Math.floor(params.progress * 100)}% ${formatBytes(latest.bytes)}/${formatBytes(latest.plannedBytes)}` +
        ` | part ${latest.partsDone}/${latest.parts} | ${formatDuration(latest.mediaDoneMs)} of ${formatDuration(latest.mediaTotalMs)}` +
        ` | ${formatBytes(speed)}/s | ETA ${Number.isFinite(etaS) ? formatDuration(Math.ceil(etaS) * 1000) : '?'}` +
        (latest.upload === undefined ? '' : ` | upload ${uploadText(latest.upload)}`)
      );
    },
    barCompleteChar: '█',
    barIncompleteChar: '░',
  });
  let bar: SingleBar | undefined;
  let stopped = false;
  return {
    update(state) {
      if (stopped) return;
      latest = state;
      if (bar === undefined) bar = multi.create(Math.max(state.plannedBytes, 1), 0);
      bar.setTotal(Math.max(state.plannedBytes, 1));
      bar.update(Math.min(state.bytes, Math.max(state.plannedBytes, 1)));
    },
    log(line) {
      // Before the first update (and after stop) there is no bar to print above: write straight through.
      if (bar === undefined) io.stderr.write(`${line}\n`);
      else multi.log(`${line}\n`);
    },
    stop() {
      // Stopping twice would print the cursor-restore codes twice (the summary stops it, close() again).
      if (stopped) return;
      stopped = true;
      // cli-progress drops buffered log lines on stop; one last redraw flushes them (and the final numbers).
      if (bar !== undefined) multi.update();
      multi.stop();
      bar = undefined;
    },
  };
}

function loadCliProgress(): typeof CliProgress {
  return createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
}
