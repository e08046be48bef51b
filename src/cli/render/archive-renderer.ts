import type { Writable } from 'node:stream';
import type { ArchiveEvent } from '../../archive/archive-types.js';
import type { Segment } from '../../archive/segments.js';
import { formatInstant } from '../../time/format-instant.js';
import type { CliIo } from '../io.js';
import type { OutputMode } from '../options/output-mode.js';
import { ndjsonEventSink } from './events.js';
import { formatBytes } from '../../text/format-bytes.js';
import { jsonInstant } from './json.js';
import { count } from '../../text/count.js';

/** Turns archive events into terminal output; `close` clears the live lines and prints the totals once (call it in a finally). */
export type ArchiveRenderer = { emit(event: ArchiveEvent): void; close(): void };

type Totals = { segments: number; empty: number; bytes: number; failures: number; gaps: number };

/**
 * How `archive` reports (docs/archive.md, "Output"): NDJSON events carrying the stream with `--log-format json`;
 * errors only with -q; on a TTY one live line per active stream plus a totals line; otherwise one plain line per
 * finished or failed segment. Written segment paths go to stdout in human mode (data), everything else to stderr.
 */
export function createArchiveRenderer(io: CliIo, mode: OutputMode, logFormat: 'human' | 'json'): ArchiveRenderer {
  if (logFormat === 'json') return { emit: ndjsonArchiveSink(io), close: () => undefined };
  const totals: Totals = { segments: 0, empty: 0, bytes: 0, failures: 0, gaps: 0 };
  let closed = false;
  const live = new Map<string, string>();
  const startedMs = io.now();
  let drawn = 0;
  let lastDrawMs = 0;
  const clear = (): void => {
    if (drawn > 0) io.stderr.write(`\u001b[${drawn}A\u001b[J`);
    drawn = 0;
  };
  const draw = (force: boolean): void => {
    if (!mode.progress || (!force && io.now() - lastDrawMs < 200)) return;
    lastDrawMs = io.now();
    clear();
    const lines = [...live.entries()].map(([stream, text]) => `${stream}  ${text}`);
    lines.push(totalsLine(totals, io.now() - startedMs));
    io.stderr.write(lines.map((line) => `${line.slice(0, 200)}\n`).join(''));
    drawn = lines.length;
  };
  const say = (text: string): void => {
    if (mode.quiet) return;
    clear();
    io.stderr.write(`${text}\n`);
    draw(true);
  };
  return {
    emit(event) {
      switch (event.type) {
        case 'streams':
          if (event.added.length > 0)
            say(`Archiving ${count(event.streams.length, 'stream')} (new: ${list(event.added)})`);
          else say(`Archiving ${count(event.streams.length, 'stream')}`);
          return;
        case 'segment-start':
          live.set(event.stream, `${span(event.segment)}  starting`);
          draw(true);
          return;
        case 'segment-planned':
          if (!mode.json) io.stdout.write(`${event.stream}\t${span(event.segment)}\t${event.output}\n`);
          return;
        case 'segment-done': {
          const { record } = event;
          live.delete(event.stream);
          totals.segments += 1;
          totals.bytes += record.bytes;
          totals.gaps += record.gaps.length;
          if (record.output === null) totals.empty += 1;
          if (record.output !== null && !mode.json) {
            clear();
            io.stdout.write(`${record.output}\n`);
          }
          const what =
            record.output === null
              ? 'empty (no fragments): done, no file'
              : `${count(record.fragments, 'fragment')}, ${formatBytes(record.bytes)}`;
          const gaps = record.gaps.length === 0 ? '' : `, ${count(record.gaps.length, 'gap')}`;
          if (mode.progress) draw(true);
          else say(`${event.stream} ${span(record)}: ${what}${gaps}`);
          return;
        }
        case 'stream-failed':
          live.delete(event.stream);
          totals.failures += 1;
          clear();
          io.stderr.write(
            `${event.stream}${event.segment === null ? '' : ` ${span(event.segment)}`} failed: ${event.error.message} (retried by the next cycle or run)\n`,
          );
          draw(true);
          return;
        case 'get':
          if (event.event.type === 'part-done') {
            live.set(
              event.stream,
              `part ${event.event.index + 1}/${event.event.count} ${formatBytes(event.event.bytes)}`,
            );
            draw(false);
          } else if (event.event.type === 'gap' || event.event.type === 'warning' || event.event.type === 'retry')
            say(`${event.stream}: ${event.event.message}`);
          return;
        case 'idle':
          if (!mode.progress && mode.verbose) say(`Waiting until ${formatInstant(event.untilMs)}`);
          draw(true);
          return;
      }
    },
    close: () => {
      // Called twice on exit 9 (before the error line, then in the caller's finally): the totals print once.
      if (closed) return;
      closed = true;
      clear();
      if (!mode.quiet && !mode.json && totals.segments + totals.failures > 0)
        io.stderr.write(`${totalsLine(totals, io.now() - startedMs)}\n`);
    },
  };
}

function totalsLine(totals: Totals, elapsedMs: number): string {
  const rate = totals.bytes / Math.max(1, elapsedMs / 1000);
  return `${count(totals.segments, 'segment')} (${totals.empty} empty), ${formatBytes(totals.bytes)}, ${formatBytes(rate)}/s, ${count(totals.gaps, 'gap')}, ${count(totals.failures, 'failure')}`;
}

function span(segment: Segment): string {
  return `${formatInstant(segment.startMs)} → ${formatInstant(segment.endMs)}`;
}

function list(names: readonly string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}

/** `--log-format json`: the archive's own events, and each segment's pipeline events with the stream added. */
function ndjsonArchiveSink(io: CliIo): (event: ArchiveEvent) => void {
  const write = (line: Record<string, unknown>): void =>
    void io.stderr.write(`${JSON.stringify({ time: jsonInstant(io.now()), ...line })}\n`);
  return (event) => {
    if (event.type === 'get') {
      // The pipeline's own NDJSON line, with the stream it belongs to.
      const capture = {
        write: (text: string): boolean => {
          write({ ...(JSON.parse(text) as Record<string, unknown>), stream: event.stream });
          return true;
        },
      } as unknown as Writable;
      ndjsonEventSink({ ...io, stderr: capture })(event.event);
      return;
    }
    if (event.type === 'segment-done') {
      const { record } = event;
      write({
        type: 'segment-done',
        stream: event.stream,
        start: jsonInstant(record.startMs),
        end: jsonInstant(record.endMs),
        output: record.output,
        fragments: record.fragments,
        firstFragmentNumber: record.firstFragmentNumber,
        lastFragmentNumber: record.lastFragmentNumber,
        bytes: record.bytes,
        gaps: record.gaps.length,
        resumed: record.resumed,
      });
    } else if (event.type === 'segment-start' || event.type === 'segment-planned')
      write({
        type: event.type,
        stream: event.stream,
        start: jsonInstant(event.segment.startMs),
        end: jsonInstant(event.segment.endMs),
        output: event.output,
      });
    else if (event.type === 'stream-failed')
      write({
        type: event.type,
        stream: event.stream,
        ...(event.segment === null
          ? {}
          : { start: jsonInstant(event.segment.startMs), end: jsonInstant(event.segment.endMs) }),
        ...event.error,
      });
    else if (event.type === 'streams') write({ type: event.type, streams: event.streams, added: event.added });
    else write({ type: event.type, until: jsonInstant(event.untilMs) });
  };
}
