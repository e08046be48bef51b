import type { GetDeps, GetOptions as RunGetOptions, GetResult } from '../../clip/get-types.js';
import { outputName } from '../../clip/output-name.js';
import { plannedOutputs } from '../../clip/planned-outputs.js';
import { runGet } from '../../clip/run-get.js';
import { createKvsSession } from '../../kvs/kvs-session.js';
import { DEFAULT_TEMPLATE } from '../../output/template.js';
import type { GetOptions } from '../commands/get.js';
import type { CliIo } from '../io.js';
import { createGetRenderer } from '../render/human.js';
import { jsonSpan, type GetJsonResult } from '../render/json.js';
import { openKvsClients } from './open-kvs-clients.js';

/**
 * `kvs-clip get`: adapt the parsed flags to runGet, give it the real clock, sleep, randomness, KVS session
 * (or the in-process emulator for --local) and this terminal's event renderer, then report the result: the
 * output path(s) on stdout in human mode, or the --json result. Throws whatever runGet throws
 * (src/errors/exit-codes.ts).
 */
export async function runGetCommand(
  options: GetOptions,
  io: CliIo,
  extra: Pick<GetDeps, 'objectStore'> = {},
): Promise<GetJsonResult> {
  const connection = await openKvsClients(options.aws, io);
  const renderer = createGetRenderer(io, options.mode, {
    logFormat: options.logFormat,
    progressIntervalMs: options.progressIntervalMs,
  });
  try {
    const result = await runGet(toRunGetOptions(options), {
      nowMs: () => io.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      openSession: (sessionOptions) => createKvsSession(connection.clients, sessionOptions),
      cwd: process.cwd(),
      emit: (event) => renderer.emit(event),
      signal: io.signal,
      stdout: io.stdout,
      ...extra,
    });
    if (result.dryRun && !options.mode.json && !options.mode.quiet && !isS3(options.output.path))
      io.stderr.write(`Would write ${wouldWrite(options, result)}\n`);
    if (!options.mode.json && result.output !== '-') {
      const paths = result.output === null ? result.outputs : [result.output];
      io.stdout.write(paths.map((path) => `${path}\n`).join(''));
    }
    const json = toJsonResult(result);
    return result.dryRun ? { ...json, wouldWrite: plannedOutputs(options, result, process.cwd()) } : json;
  } finally {
    renderer.close();
    await connection.close();
  }
}

const isS3 = (path: string | undefined): boolean => path?.startsWith('s3://') === true;

/** The dry run's `Would write …`: the name a real run would give the output (S3 targets say their own). */
function wouldWrite(options: GetOptions, result: GetResult): string {
  const { output } = options;
  if (output.path === '-') return '(stdout)';
  if (output.split || output.gaps === 'split')
    return `one file per part, named by "${output.path ?? DEFAULT_TEMPLATE}"`;
  const request = { path: output.path, stream: options.stream, selector: result.selector };
  return outputName(request, result.window, process.cwd());
}

/** The CLI's options in runGet's terms: its own grouped options, without what only the CLI reads. */
export function toRunGetOptions(options: GetOptions): RunGetOptions {
  const { aws: _aws, mode: _mode, logFormat: _logFormat, progressIntervalMs: _interval, s3: _s3, ...request } = options;
  return request;
}

/** runGet's result as the `get` JSON document (render/json.ts). */
export function toJsonResult(result: GetResult): GetJsonResult {
  return {
    command: 'get',
    stream: result.stream,
    window: { ...jsonSpan(result.window.startMs, result.window.endMs), tz: result.timeZone },
    selector: result.selector,
    covered: result.covered === null ? null : jsonSpan(result.covered.startMs, result.covered.endMs),
    dryRun: result.dryRun,
    output: result.output,
    outputs: result.outputs,
    skipped: result.skipped,
    calls: result.calls,
    parts: result.parts.map(({ part, downloadedBytes, resumed, output }) => ({
      // 1-based, as `[part 1/N]` on stderr and {index} in --split names.
      index: part.index + 1,
      ...jsonSpan(part.startMs, part.endMs),
      fragments: part.fragmentCount,
      bytes: part.sizeBytes,
      ...(downloadedBytes === undefined ? {} : { downloadedBytes }),
      ...(resumed === undefined ? {} : { resumed }),
      ...(output === undefined ? {} : { output }),
    })),
    bytes: result.bytes,
    fragments: result.fragments,
    gaps: result.gaps.map((gap) => jsonSpan(gap.startMs, gap.endMs)),
    retries: result.retries,
    durationMs: result.durationMs,
  };
}
