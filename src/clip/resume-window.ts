import { readFile, stat } from 'node:fs/promises';
import { manifestPathFor } from '../download/manifest.js';
import { UsageError } from '../errors/usage-error.js';
import type { TimeRange } from '../plan/fragment.js';
import { formatInstant } from '../time/format-instant.js';
import type { EventSink } from '../download/events.js';
import type { GetOptions } from './get-types.js';
import { outputName } from './output-name.js';
import { askedRequestOf, type AskedRequest } from './asked-request.js';
import { formatS3Uri, isS3Uri, parseS3Uri, renderS3Key } from '../s3/s3-uri.js';
import type { ObjectStore } from './targets/object-store.js';
import { objectScratchBase } from './targets/s3-object.js';

/**
 * The window to fetch when the output's resume manifest holds an interrupted download of this very request: that
 * run's resolved window, so `--since 3h` means what it meant then (announced on stderr). Null when there is nothing
 * to continue: `--no-continue`, an output that is not one joined file or object with a fixed name, no manifest, or one
 * written before requests were recorded (downloadAndJoin then checks it as before). Throws UsageError `E_USAGE`
 * when the manifest is for another request, naming both and the ways out.
 */
export async function resumableWindow(
  options: GetOptions,
  context: { cwd: string; emit: EventSink; objectStore?: ObjectStore | undefined },
): Promise<TimeRange | null> {
  const { output, download } = options;
  if (!download.continue || options.cron !== undefined || download.dryRun) return null;
  if (output.path === '-' || output.split || output.gaps === 'split') return null;
  const found = await fixedOutputManifest(options, context);
  if (found === null) return null;
  const { finalPath, manifestPath } = found;
  const stored = await storedRequest(manifestPath);
  if (stored === null) return null;
  const asked = askedRequestOf(options);
  const differences = requestDifferences(stored.request, asked);
  if (differences.length > 0) {
    throw new UsageError(
      'E_USAGE',
      `${manifestPath} holds an unfinished download of ${stored.request.stream} ${describeTime(stored.request)} (${describeSpan(stored.window)}); this run asks for ${differences.join(', ')}`,
      {
        hint: `Rerun the interrupted command to finish it, or pass --no-continue to discard it and start over (or delete ${manifestPath})`,
      },
    );
  }
  context.emit({
    type: 'warning',
    code: 'resume-window',
    message: `Continuing the interrupted download into ${finalPath}: ${describeTime(asked)} as resolved then, ${describeSpan(stored.window)} (pass --no-continue for a fresh window)`,
  });
  return stored.window;
}

const ONE_WINDOW: TimeRange = { startMs: 0, endMs: 1000 };
const OTHER_WINDOW: TimeRange = { startMs: 1_700_000_000_000, endMs: 1_700_086_400_000 };

/**
 * The single output (a path or an `s3://` URI) and its resume manifest when the template does not depend on the
 * window, else null. An S3 object's manifest lives in its scratch folder (docs/s3.md, "Resume"), not beside it.
 */
async function fixedOutputManifest(
  options: GetOptions,
  context: { cwd: string; objectStore?: ObjectStore | undefined },
): Promise<{ finalPath: string; manifestPath: string } | null> {
  const request = { ...options.output, stream: options.stream, selector: options.time.selector };
  if (request.path !== undefined && isS3Uri(request.path)) {
    if (context.objectStore === undefined) return null;
    const destination = parseS3Uri(request.path);
    const fields = { stream: request.stream, selector: request.selector };
    const key = renderS3Key(destination, { ...fields, ...ONE_WINDOW });
    if (key !== renderS3Key(destination, { ...fields, ...OTHER_WINDOW })) return null;
    const scratchDir = context.objectStore.scratchDirFor({ bucket: destination.bucket, key });
    return {
      finalPath: formatS3Uri(destination.bucket, key),
      manifestPath: manifestPathFor(objectScratchBase(scratchDir)),
    };
  }
  const one = outputName(request, ONE_WINDOW, context.cwd);
  if (one !== outputName(request, OTHER_WINDOW, context.cwd) || !(await isRegularFileOrMissing(one))) return null;
  return { finalPath: one, manifestPath: manifestPathFor(one) };
}

async function isRegularFileOrMissing(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return true;
  }
}

/** The request and window a manifest recorded; null when it has none (or is unreadable: reported later). */
async function storedRequest(path: string): Promise<{ request: AskedRequest; window: TimeRange } | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
  const identity = field(parsed, 'identity');
  const request = field(identity, 'request');
  const window = field(identity, 'window');
  const startMs = field(window, 'startMs');
  const endMs = field(window, 'endMs');
  if (!isAskedRequest(request) || typeof startMs !== 'number' || typeof endMs !== 'number') return null;
  if (!Number.isSafeInteger(startMs) || !Number.isSafeInteger(endMs) || startMs >= endMs) return null;
  return { request, window: { startMs, endMs } };
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function isAskedRequest(value: unknown): value is AskedRequest {
  const time = field(value, 'time');
  const strings = ['stream', 'timeZone', 'selector', 'align', 'layout'].every(
    (name) => typeof field(value, name) === 'string',
  );
  return (
    strings &&
    typeof time === 'object' &&
    time !== null &&
    Object.values(time).every((text) => typeof text === 'string')
  );
}

/** What `asked` changes against the request that wrote the manifest, as this run's settings; empty when equal. */
function requestDifferences(found: AskedRequest, asked: AskedRequest): string[] {
  const timeKey = (r: AskedRequest): string => JSON.stringify(Object.entries(r.time).sort());
  const differences: string[] = [];
  if (found.stream !== asked.stream) differences.push(`stream ${asked.stream}`);
  if (timeKey(found) !== timeKey(asked)) differences.push(describeTime(asked) || 'no time range');
  if (found.timeZone !== asked.timeZone) differences.push(`time zone ${asked.timeZone} (was ${found.timeZone})`);
  if (found.selector !== asked.selector) differences.push(`${asked.selector} timestamps`);
  if (found.align !== asked.align) differences.push(`--align ${asked.align}`);
  if (found.layout !== asked.layout) differences.push(`output layout ${asked.layout} (was ${found.layout})`);
  return differences;
}

/** `--since "3h"`, as the user typed it (RANGE without a flag). */
function describeTime(request: AskedRequest): string {
  return Object.entries(request.time)
    .map(([flag, value]) => (flag === 'RANGE' ? JSON.stringify(value) : `${flag} ${JSON.stringify(value)}`))
    .join(' ');
}

function describeSpan(window: TimeRange): string {
  return `${formatInstant(window.startMs)} → ${formatInstant(window.endMs)}`;
}
