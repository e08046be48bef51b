import type { UploadEvent } from '../../download/events.js';
import type { CliIo } from '../io.js';
import type { OutputMode } from '../options/output-mode.js';
import { ndjsonEventSink } from './events.js';
import { jsonInstant } from './json.js';
import { createProgressBar, type ProgressBar } from './progress-bar.js';
import { uploadBarLine, type ProgressState } from './progress-text.js';
import { UploadProgress } from './upload-progress.js';

/** What `join` reports on stderr besides errors: its warnings, its upload (`-o s3://…`) and its last line. */
export type JoinRenderer = {
  /** The object's planned size, once known (the upload's percent and ETA are against it). */
  planned(bytes: number): void;
  upload(event: UploadEvent): void;
  warning(message: string): void;
  /** The final `Joined …` line (human), or a `summary` event carrying `facts` (NDJSON). */
  summary(message: string, facts: Readonly<Record<string, unknown>>): void;
  /** Stops the bar (call it in a finally). */
  close(): void;
};

/**
 * How `join` reports (docs/s3.md, "Progress"), as `get` does: with `--log-format json` one NDJSON object per line on
 * stderr (`upload-part`, `upload-done`, `warning`, `summary`); with -q nothing; otherwise human lines, and with
 * `-o s3://…` the upload's bytes, rate and ETA in a bar on a terminal, or one `[upload]` line per part without one
 * (or with -v, beside the bar).
 */
export function createJoinRenderer(io: CliIo, mode: OutputMode, logFormat: 'human' | 'json'): JoinRenderer {
  if (logFormat === 'json') {
    const emit = ndjsonEventSink(io);
    return {
      planned: () => undefined,
      upload: emit,
      warning: (message) => emit({ type: 'warning', code: 'join-order', message }),
      summary: (message, facts) =>
        io.stderr.write(`${JSON.stringify({ time: jsonInstant(io.now()), type: 'summary', ...facts, message })}\n`),
      close: () => undefined,
    };
  }
  if (mode.quiet)
    return {
      planned: () => undefined,
      upload: () => undefined,
      warning: () => undefined,
      summary: () => undefined,
      close: () => undefined,
    };
  const upload = new UploadProgress(() => io.now());
  let bar: ProgressBar | undefined;
  let plannedBytes = 0;
  const line = (text: string): void => (bar === undefined ? void io.stderr.write(`${text}\n`) : bar.log(text));
  const state = (): ProgressState => {
    const figures = upload.figures(plannedBytes);
    return {
      bytes: figures?.bytes ?? 0,
      plannedBytes,
      partsDone: 0,
      parts: 0,
      mediaDoneMs: 0,
      mediaTotalMs: 0,
      upload: figures,
    };
  };
  return {
    planned(bytes) {
      plannedBytes = bytes;
      if (mode.progress && bar === undefined) bar = createProgressBar(io, io.now(), uploadBarLine);
      bar?.update(state());
    },
    upload(event) {
      upload.note(event);
      if (bar === undefined || mode.verbose || event.type !== 'upload-part') line(upload.line(event, plannedBytes));
      if (event.type === 'upload-done') bar?.stop();
      else bar?.update(state());
    },
    warning: (message) => line(`warning: ${message}`),
    summary: (message) => {
      bar?.stop();
      line(message);
    },
    close: () => bar?.stop(),
  };
}
