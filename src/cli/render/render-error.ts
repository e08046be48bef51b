import type { KvsClipError } from '../../errors/kvs-clip-error.js';
import { StreamsFailedError } from '../../errors/streams-failed-error.js';
import type { CliIo } from '../io.js';
import { JSON_SCHEMA_VERSION, writeJsonDocument, type JsonResult } from './json.js';

export type ErrorRenderMode = {
  readonly json: boolean;
  readonly verbose: boolean;
  /** The command that failed, for the JSON document; null when parsing never reached one. */
  readonly command: string | null;
  /** Colour the `kvs-clip:` prefix (a TTY stderr, no NO_COLOR, no --no-color). */
  readonly color: boolean;
};

/**
 * Report a failure: `kvs-clip: <message>` and an optional `hint: …` line on stderr (stack and cause chain only
 * with -v), plus, with --json, the failure document on stdout.
 */
export function renderError(io: CliIo, error: KvsClipError, mode: ErrorRenderMode): void {
  const prefix = mode.color ? '\u001b[31mkvs-clip:\u001b[39m' : 'kvs-clip:';
  io.stderr.write(`${prefix} ${oneLine(error.message)}\n`);
  if (error.hint !== undefined) io.stderr.write(`hint: ${oneLine(error.hint)}\n`);
  // A usage error is the user's command line, not kvs-clip's code: a stack trace would only bury the one line.
  if (mode.verbose && error.exitCode !== 2) io.stderr.write(describeCauses(error));
  if (mode.json) {
    writeJsonDocument(io, {
      ok: false,
      schemaVersion: JSON_SCHEMA_VERSION,
      command: mode.command,
      error: {
        code: error.code,
        message: oneLine(error.message),
        exitCode: error.exitCode,
        ...(error.hint === undefined ? {} : { hint: oneLine(error.hint) }),
      },
      ...(error instanceof StreamsFailedError ? { result: error.result as JsonResult } : {}),
    });
  }
}

function describeCauses(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 8; depth += 1) {
    if (current instanceof Error) {
      lines.push(depth === 0 ? (current.stack ?? current.message) : `caused by: ${current.stack ?? current.message}`);
      current = current.cause;
    } else {
      lines.push(`caused by: ${JSON.stringify(current) ?? typeof current}`);
      current = undefined;
    }
  }
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  return text.replaceAll(/\s*\n\s*/g, ' ').trim();
}
