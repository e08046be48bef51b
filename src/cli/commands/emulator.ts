import { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CancelledError } from '../../errors/cancelled-error.js';
import { UsageError } from '../../errors/usage-error.js';
import { demoStreams } from '../../emulator/demo-streams.js';
import { CLIP_SHAPES, type ClipShape } from '../../emulator/clip-shape.js';
import type { FaultSpec } from '../../emulator/faults.js';
import { LOCAL_CREDENTIALS } from '../../emulator/local-credentials.js';
import type { QuotaLimits } from '../../emulator/quotas.js';
import type { EmulatorOptions } from '../../emulator/start-emulator.js';
import { parseStreamFleetSpec } from '../../emulator/stream-fleet-spec.js';
import { PRESETS, STREAM_SPEC_GRAMMAR, type StreamSpec } from '../../emulator/stream-spec.js';
import type { ClipLayout } from '../../mp4/model.js';
import type { CliIo } from '../io.js';
import { integerParser } from '../options/parse-number.js';

const LAYOUTS: readonly ClipLayout[] = ['moov-first', 'moov-last', 'fragmented'];

/** `--config FILE`: JSON with any of these; flags given on the command line win. */
type ConfigFile = {
  streams?: (string | StreamSpec)[];
  faults?: FaultSpec[];
  quotas?: false | Partial<QuotaLimits>;
  caps?: { maxFragments?: number; maxBytes?: number };
  clipLayout?: ClipLayout;
  clipShape?: ClipShape;
  seed?: number;
  chunked?: boolean;
  cpdChangeError?: string;
  listFragmentsPageSize?: number;
};

type EmulatorFlags = {
  host: string;
  port: number;
  stream?: string[];
  config?: string;
  clipLayout?: ClipLayout;
  clipShape?: ClipShape;
  seed?: number;
  quotas: boolean;
  auth: boolean;
  strictAuth?: boolean;
  json?: boolean;
  chunked?: boolean;
  logFile?: string;
  maxClipFragments?: number;
  maxClipBytes?: number;
};

/**
 * Build `kvs-clip emulator`: a local KVS endpoint (both planes) that the AWS SDKs, the AWS CLI and boto3 accept.
 * Prints the URL on stdout (or one JSON line with url, region, credentials and streams) once listening and runs
 * until io.signal aborts (SIGINT/SIGTERM). Bad specs or config files are UsageError (exit 2).
 */
export function emulatorCommand(io: CliIo): Command {
  return new Command('emulator')
    .description('run a local KVS emulator (control plane + archived media) for demos and tests')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', integerParser(0, 65535), 4567)
    .option(
      '--stream <spec>',
      'a stream to serve (repeatable; default: "demo", H.264+AAC, 2 s fragments, last 48 h)',
      collect,
    )
    .option('--config <file>', 'JSON file with streams, faults, quotas, caps, clipLayout, seed')
    .addOption(
      new Option(
        '--clip-layout <layout>',
        'GetClip MP4 layout (default moov-first, a stand-in: the real one is unknown)',
      ).choices(LAYOUTS),
    )
    .addOption(
      new Option(
        '--clip-shape <shape>',
        'GetClip timing and labels: aws (default; 1 kHz video timescale, ms frame times, eng, "USP Video Handler") or fixture (the fixture\'s own)',
      ).choices(CLIP_SHAPES),
    )
    .option('--seed <n>', 'seed for jitter, ListFragments order and faults', integerParser(0, 2 ** 31 - 1))
    .option('--no-quotas', 'do not enforce the KVS per-stream TPS and fragment-point quotas')
    .option('--no-auth', 'accept requests without verifying their SigV4 signature')
    .option(
      '--strict-auth',
      "accept only the emulator's own access key (default: any key, checked for scope and clock; its own verified)",
    )
    .option('--chunked', 'send GetClip bodies with chunked transfer encoding instead of Content-Length')
    .option('--max-clip-fragments <n>', 'GetClip fragment cap (AWS: 200)', integerParser(1, 100_000))
    .option('--max-clip-bytes <n>', 'GetClip byte cap (AWS: 100000000)', integerParser(1, Number.MAX_SAFE_INTEGER))
    .option('--log-file <file>', 'append every request as a JSON line to this file')
    .option('--json', 'print one machine-readable line (url, region, credentials, streams) on stdout')
    .addHelpText(
      'after',
      `\nStream specs (--stream):\n${STREAM_SPEC_GRAMMAR.replace(/^/gm, '  ')}\n\nExamples:\n  kvs-clip emulator\n  kvs-clip emulator --stream cam1=h264_aac,span=48h,gap=10:00-10:05,skew=11s --stream big=h265,bitrate=20x\n  kvs-clip emulator --stream mine=./video.mp4 --no-auth --json\n\nCredentials: any access key works unless --strict-auth; the emulator's own (verified) are\n  AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey}\nRegion: us-east-1. Set both AWS_REGION (SDK v3, kvs-clip) and AWS_DEFAULT_REGION (boto3, AWS CLI), e.g.\n  AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 aws kinesisvideo list-streams --endpoint-url http://127.0.0.1:4567`,
    )
    .action(async (flags: EmulatorFlags) => {
      const options = await emulatorOptions(flags, io);
      // Imported here, not at the top: every other command (and --help) would otherwise load the emulator's server
      // and MP4 synthesis on each start-up. The help text above needs only stream-spec.js, which is small.
      const { startEmulator } = await import('../../emulator/start-emulator.js');
      const emulator = await startEmulator(options).catch((error: unknown) => {
        // Stream specs from --config are checked only when the streams are built.
        if (error instanceof RangeError)
          throw new UsageError('E_USAGE', `Invalid stream: ${error.message}`, { cause: error });
        if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
          throw new UsageError('E_USAGE', `Cannot listen on ${flags.host}:${flags.port}: the port is in use`, {
            cause: error,
            hint: 'Pick another --port, or --port 0 for any free port.',
          });
        }
        throw error;
      });
      const streams = [...emulator.streams.values()].map((s) => ({
        name: s.description.name,
        arn: s.description.arn,
        mediaType: s.description.mediaType,
        retentionHours: s.description.retentionHours,
      }));
      if (flags.json === true) {
        io.stdout.write(
          `${JSON.stringify({ url: emulator.url, region: emulator.region, credentials: emulator.credentials ?? null, authMode: emulator.authMode, streams })}\n`,
        );
      } else {
        io.stdout.write(`${emulator.url}\n`);
        io.stderr.write(
          banner(
            emulator,
            streams.map((s) => s.name),
          ),
        );
      }
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve();
        else io.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await emulator.close();
      // Stopped by a signal: exit 130/143 like every other command (README, "Exit codes"), not 0.
      const reason: unknown = io.signal.reason;
      if (reason instanceof CancelledError) throw reason;
    });
}

const AUTH_MODE_TEXT = {
  lenient: 'lenient (any access key; signature scope and clock checked; its own key verified)',
  strict: 'strict (only its own access key)',
  off: 'off (no signature needed)',
} as const;

/** The start-up lines on stderr: where, which region, which credentials, how strict. */
function banner(
  emulator: {
    url: string;
    region: string;
    authMode: keyof typeof AUTH_MODE_TEXT;
    credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  },
  streams: readonly string[],
): string {
  const credentials =
    emulator.credentials === undefined
      ? 'any (or none)'
      : `AWS_ACCESS_KEY_ID=${emulator.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${emulator.credentials.secretAccessKey}`;
  return [
    `KVS emulator listening on ${emulator.url}`,
    `  region:      ${emulator.region} (AWS_REGION=${emulator.region} AWS_DEFAULT_REGION=${emulator.region})`,
    `  credentials: ${credentials}`,
    `  auth:        ${AUTH_MODE_TEXT[emulator.authMode]}`,
    `  streams:     ${streams.join(', ')}`,
    'Ctrl-C to stop.',
    '',
  ].join('\n');
}

// No default value given to commander for this and the boolean flags: help would print `(default: [])`.
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

async function emulatorOptions(flags: EmulatorFlags, io: CliIo): Promise<EmulatorOptions> {
  const config = flags.config === undefined ? {} : await readConfig(flags.config);
  // Keep the clock running from io.now() (which honours KVS_CLIP_NOW) so quotas and retention move on.
  const offsetMs = io.now() - Date.now();
  const now = (): number => Date.now() + offsetMs;
  const specs = [...(config.streams ?? []), ...(flags.stream ?? [])].flatMap((spec) => {
    if (typeof spec !== 'string') return [spec];
    try {
      return parseStreamFleetSpec(spec);
    } catch (error) {
      throw new UsageError(
        'E_USAGE',
        `Invalid --stream "${spec}": ${error instanceof Error ? error.message : String(error)}`,
        { hint: 'See kvs-clip emulator --help for the spec grammar.' },
      );
    }
  });
  await Promise.all(specs.map((spec) => assertSourceReadable(spec)));
  const caps = {
    ...config.caps,
    ...(flags.maxClipFragments === undefined ? {} : { maxFragments: flags.maxClipFragments }),
    ...(flags.maxClipBytes === undefined ? {} : { maxBytes: flags.maxClipBytes }),
  };
  return {
    streams: specs.length > 0 ? specs : demoStreams(now()),
    host: flags.host,
    port: flags.port,
    now,
    seed: flags.seed ?? config.seed ?? 1,
    ...(flags.auth ? (flags.strictAuth === true ? { auth: { strict: true } } : {}) : { auth: false as const }),
    quotas: flags.quotas ? (config.quotas ?? {}) : false,
    faults: config.faults ?? [],
    caps,
    clipLayout: flags.clipLayout ?? config.clipLayout ?? 'moov-first',
    clipShape: flags.clipShape ?? config.clipShape ?? 'aws',
    chunked: flags.chunked === true || (config.chunked ?? false),
    ...(config.cpdChangeError === undefined ? {} : { cpdChangeError: config.cpdChangeError }),
    ...(config.listFragmentsPageSize === undefined ? {} : { listFragmentsPageSize: config.listFragmentsPageSize }),
    ...(flags.logFile === undefined ? {} : { logFile: flags.logFile }),
  };
}

async function readConfig(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      'E_USAGE',
      `Cannot read --config "${path}": ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new InvalidArgumentError('expected a JSON object');
    return parsed;
  } catch (error) {
    throw new UsageError(
      'E_USAGE',
      `Invalid --config "${path}": ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** A `--stream NAME=FILE` whose file is missing: an unknown preset when it looks like one, else the file's error. */
async function assertSourceReadable(spec: StreamSpec): Promise<void> {
  if (!('file' in spec.source)) return;
  const path = spec.source.file;
  const info = await stat(path).catch((error: unknown) => error);
  if (info instanceof Error || !(info instanceof Stats)) {
    const code = info instanceof Error && 'code' in info ? String(info.code) : 'error';
    const looksLikePreset = !/[./\\]/.test(path);
    throw new UsageError(
      'E_USAGE',
      looksLikePreset
        ? `Invalid --stream "${spec.name}=${path}": "${path}" is neither a preset (${PRESETS.join(', ')}) nor a file`
        : `Invalid --stream "${spec.name}=${path}": cannot read the file (${code})`,
      { hint: 'See kvs-clip emulator --help for the spec grammar.' },
    );
  }
  if (!info.isFile()) {
    throw new UsageError('E_USAGE', `Invalid --stream "${spec.name}=${path}": not a regular file`, {
      hint: 'give an MP4 file or a preset name',
    });
  }
}
