import type { GetEvent } from '../../download/events.js';
import type { Part } from '../../plan/part.js';
import type { CliIo } from '../io.js';
import { jsonInstant } from './json.js';

/**
 * A part as NDJSON events show it: the span and sizes, without the fragment-number list. `index` counts from 1 here
 * and in every event, as in `[part 1/N]`, the --json document and `{index}` in --split names.
 */
export type EventPart = { index: number; start: string; end: string; fragments: number; bytes: number };

/**
 * `--log-format json`: one JSON object per line on stderr for supervisors (rclone --use-json-log style), in place
 * of the bar and the human lines. Every line has `type` and `time` (ISO, from the injected clock); instants are
 * ISO strings and parts are summarised. `part-bytes` and `list-page` are left out: they fire per chunk and per page and
 * would flood a log.
 */
export function ndjsonEventSink(io: CliIo): (event: GetEvent) => void {
  return (event) => {
    const line = toLine(event);
    if (line !== undefined) io.stderr.write(`${JSON.stringify({ time: jsonInstant(io.now()), ...line })}\n`);
  };
}

function toLine(event: GetEvent): Record<string, unknown> | undefined {
  switch (event.type) {
    case 'part-bytes':
    case 'list-page':
      return undefined;
    case 'window':
      return {
        type: event.type,
        stream: event.stream,
        start: jsonInstant(event.window.startMs),
        end: jsonInstant(event.window.endMs),
        selector: event.selector,
        tz: event.tz,
        message: event.message,
      };
    case 'plan':
      return {
        type: event.type,
        dryRun: event.dryRun,
        fragments: event.plan.fragments,
        bytes: event.plan.bytes,
        covered:
          event.plan.covered === null
            ? null
            : { start: jsonInstant(event.plan.covered.startMs), end: jsonInstant(event.plan.covered.endMs) },
        parts: event.plan.parts.map(eventPart),
        gaps: event.plan.gaps.map((gap) => ({
          start: jsonInstant(gap.startMs),
          end: jsonInstant(gap.endMs),
          durationMs: gap.durationMs,
        })),
        message: event.message,
      };
    case 'part-start':
      return {
        type: event.type,
        index: event.index + 1,
        count: event.count,
        attempt: event.attempt,
        part: eventPart(event.part),
      };
    case 'part-done':
      return {
        type: event.type,
        index: event.index + 1,
        count: event.count,
        part: eventPart(event.part),
        bytes: event.bytes,
        ...(event.sha256 === undefined ? {} : { sha256: event.sha256 }),
        resumed: event.resumed,
        ...(event.output === undefined ? {} : { output: event.output }),
        ...(event.requestId === undefined ? {} : { requestId: event.requestId }),
      };
    case 'gap':
      return {
        type: event.type,
        start: jsonInstant(event.startMs),
        end: jsonInstant(event.endMs),
        durationMs: event.durationMs,
        message: event.message,
      };
    case 'retry':
      return { ...event, ...(event.index === undefined ? {} : { index: event.index + 1 }) };
    case 'warning':
    case 'upload-part':
    case 'upload-resume':
    case 'upload-done':
    case 'summary':
      return { ...event };
  }
}

/** The compact form of a planned part used by events. */
export function eventPart(part: Part): EventPart {
  return {
    index: part.index + 1,
    start: jsonInstant(part.startMs),
    end: jsonInstant(part.endMs),
    fragments: part.fragmentCount,
    bytes: part.sizeBytes,
  };
}
