import type { GetEvent, PartDoneEvent } from '../../download/events.js';
import type { Part } from '../../plan/part.js';
import { formatDuration } from '../../time/format-duration.js';
import { formatInstant } from '../../time/format-instant.js';
import type { CliIo } from '../io.js';
import { DEFAULT_PROGRESS_INTERVAL_MS, type OutputMode } from '../options/output-mode.js';
import { ndjsonEventSink } from './events.js';
import { formatBytes } from '../../text/format-bytes.js';
import { createProgressBar, type ProgressBar } from './progress-bar.js';
import { progressLine, type ProgressState } from './progress-text.js';
import { createStatusLine, listingText } from './status-line.js';
import { UploadProgress } from './upload-progress.js';
import { count } from '../../text/count.js';

/** Turns `get` events into terminal output; `close` stops the bar (call it in a finally). */
export type GetRenderer = { emit(event: GetEvent): void; close(): void };

/**
 * Choose how `get` reports progress (docs/README.md, "House rules"): NDJSON events with `--log-format json`; nothing
 * but errors with -q; otherwise the window and plan lines, gaps, warnings and retries on stderr, plus either the
 * progress bar (TTY) or one plain line per finished part (yt-dlp --newline style), plus with `progressLines` a
 * `Progress …` line at most every `progressIntervalMs` while bytes arrive. With `dryRun` every planned part is listed. With -v each part line carries its GetClip request ID (printed under the bar too) and retries say when the
 * data endpoint is looked up again; request IDs are the service's own, never credentials or signatures.
 */
export function createGetRenderer(
  io: CliIo,
  mode: OutputMode,
  options: { logFormat: 'human' | 'json'; progressIntervalMs?: number },
): GetRenderer {
  if (options.logFormat === 'json') return { emit: ndjsonEventSink(io), close: () => undefined };
  if (mode.quiet) return { emit: () => undefined, close: () => undefined };
  const startedMs = io.now();
  const bar: ProgressBar | undefined = mode.progress ? createProgressBar(io, startedMs) : undefined;
  const intervalMs = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
  let lastProgressMs: number | null = null;
  // The listing's page counter (a terminal only, like the bar) until the plan arrives.
  const status = createStatusLine(io, mode.progress);
  const line = (text: string): void => {
    status.clear();
    if (bar === undefined) io.stderr.write(`${text}\n`);
    else bar.log(text);
  };
  let parts: readonly Part[] = [];
  let plannedBytes = 0;
  let doneBytes = 0;
  let inFlight = new Map<number, number>();
  let partsDone = 0;
  let mediaDoneMs = 0;
  const upload = new UploadProgress(() => io.now());
  const state = (): ProgressState => ({
    upload: upload.figures(plannedBytes),
    bytes: doneBytes + [...inFlight.values()].reduce((sum, n) => sum + n, 0),
    plannedBytes,
    partsDone,
    parts: parts.length,
    mediaDoneMs,
    mediaTotalMs: parts.reduce((sum, part) => sum + part.mediaDurationMs, 0),
  });
  const redraw = (): void => bar?.update(state());
  // Plain progress lines: the first one an interval after the plan, then at most one per interval while bytes arrive.
  const tick = (): void => {
    if (!mode.progressLines || lastProgressMs === null || io.now() - lastProgressMs < intervalMs) return;
    lastProgressMs = io.now();
    line(progressLine(state(), lastProgressMs - startedMs));
  };
  return {
    emit(event) {
      switch (event.type) {
        case 'window':
        case 'warning':
        case 'gap':
          line(event.message);
          return;
        case 'retry':
          line(
            mode.verbose && event.refreshEndpoint
              ? `${event.message}; asking GetDataEndpoint again first`
              : event.message,
          );
          return;
        case 'list-page':
          status.show(listingText(event.page, io.now() - startedMs));
          return;
        case 'plan':
          parts = event.plan.parts;
          plannedBytes = event.plan.bytes;
          line(event.message);
          if (event.dryRun) for (const part of parts) line(partLine(part, parts.length));
          else lastProgressMs = io.now();
          redraw();
          return;
        case 'part-start':
          return;
        case 'part-bytes':
          inFlight.set(event.index, event.bytes);
          redraw();
          tick();
          return;
        case 'part-done':
          inFlight.delete(event.index);
          doneBytes += event.bytes;
          partsDone += 1;
          mediaDoneMs += event.part.mediaDurationMs;
          // -v also lists parts under the bar: their request IDs are what AWS support asks for.
          if (bar === undefined || mode.verbose) line(doneLine(event, mode.verbose));
          redraw();
          return;
        case 'upload-part':
        case 'upload-resume':
        case 'upload-done':
          upload.note(event);
          // With the bar, parts show in its upload figures (listed too with -v); resumes and completions always.
          if (bar === undefined || mode.verbose || event.type !== 'upload-part') line(upload.line(event, plannedBytes));
          redraw();
          return;
        case 'summary':
          lastProgressMs = null;
          bar?.stop();
          inFlight = new Map();
          line(event.message);
          return;
      }
    },
    close() {
      status.clear();
      bar?.stop();
    },
  };
}

function partLine(part: Part, total: number): string {
  return (
    `  part ${part.index + 1}/${total}: ${formatInstant(part.startMs)} → ${formatInstant(part.endMs)} ` +
    `(${formatDuration(part.mediaDurationMs)}, ${count(part.fragmentCount, 'fragment')}, ≈${formatBytes(part.sizeBytes)})`
  );
}

function doneLine(event: PartDoneEvent, verbose: boolean): string {
  const source = event.resumed ? 'resumed' : 'downloaded';
  const requestId = verbose && event.requestId !== undefined ? ` (request ${event.requestId})` : '';
  return (
    `[part ${event.index + 1}/${event.count}] ${source} ${formatInstant(event.part.mediaStartMs)} → ` +
    `${formatInstant(event.part.mediaEndMs)}: ${count(event.part.fragmentCount, 'fragment')}, ${formatBytes(event.bytes)}` +
    `${event.output === undefined ? '' : ` → ${event.output}`}${requestId}`
  );
}
