import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';
import type { SingleBar } from 'cli-progress';
import type { CliIo } from '../io.js';
import { barLine, type ProgressState } from './progress-text.js';

/** The TTY progress bar on stderr; `log` prints a line above it without tearing it. */
export type ProgressBar = {
  update(state: ProgressState): void;
  log(line: string): void;
  stop(): void;
};

/**
 * A cli-progress bar on stderr: bytes of planned bytes (the percentage), parts done/total, media time covered,
 * speed and ETA of the download, then (S3) the upload's bytes, rate and ETA, fitted to the terminal's width (`lineOf`
 * draws another line: `join -o s3://…` shows its upload alone, uploadBarLine). Only for
 * a TTY stderr without -q/--json/-vv/--no-progress, or `--progress bar` (the caller decides, see OutputMode).
 */
export function createProgressBar(
  io: CliIo,
  startMs: number,
  lineOf: (state: ProgressState, elapsedMs: number, columns: number) => string = barLine,
): ProgressBar {
  // Loaded only when a bar is drawn: -q, --json, --no-progress and cron runs never pay for cli-progress and its
  // string-width dependencies. A CommonJS package, so a synchronous require keeps the renderer synchronous.
  const { MultiBar } = loadCliProgress();
  let latest: ProgressState = { bytes: 0, plannedBytes: 0, partsDone: 0, parts: 0, mediaDoneMs: 0, mediaTotalMs: 0 };
  const multi = new MultiBar({
    stream: io.stderr,
    // The caller decided (a TTY stderr, or --progress bar): trust it rather than re-probing the stream.
    noTTYOutput: true,
    hideCursor: true,
    clearOnComplete: true,
    barsize: 24,
    fps: 5,
    // Fitted to the terminal's width on every redraw: a narrow one drops figures, never rate and ETA (progress-text.ts).
    format: () => lineOf(latest, io.now() - startMs, columnsOf(io)),
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

function columnsOf(io: CliIo): number {
  const columns = (io.stderr as { columns?: unknown }).columns;
  return typeof columns === 'number' && columns > 0 ? columns : 80;
}

function loadCliProgress(): typeof CliProgress {
  return createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
}
