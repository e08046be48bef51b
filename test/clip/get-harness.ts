/**
 * Runs runGet in-process against the real emulator (real SDK, real HTTP on 127.0.0.1:0) with a virtual clock shared
 * by both sides, an instant sleep and a seeded random source: the only doubles the house rules allow.
 */
import type { ObjectStore } from '../../src/clip/targets/object-store.js';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { runGet } from '../../src/clip/run-get.js';
import { getOptions } from '../../src/clip/get-defaults.js';
import type {
  CronOptions,
  DownloadOptions,
  GetOptions,
  GetResult,
  OutputOptions,
  TimeOptions,
} from '../../src/clip/get-types.js';
import type { GetEvent } from '../../src/download/events.js';
import type { StreamFragment } from '../../src/emulator/emulated-stream.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/emulator/local-credentials.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/start-emulator.js';
import { createKvsClients, type KvsClients } from '../../src/kvs/clients.js';
import { createKvsSession } from '../../src/kvs/kvs-session.js';
import { buildClipStream } from '../../src/emulator/write-samples.js';
import { seededRandom, virtualClock, type VirtualClock } from './virtual-clock.js';
import { clientEmulatorOptions } from '../support/client-emulator-options.js';
import { unpackNumbers, type FragmentNumbers } from '../../src/plan/fragment-numbers.js';

export const HOUR = 3_600_000;

/**
 * A run as the scenarios write it: one flat bag, the flag names of `get` (`output` is `-o`, `state` is
 * `--state`). getOptionsOfRun sorts it into runGet's option groups; everything absent comes from GET_DEFAULTS.
 */
export type RunInput = { readonly stream: string; readonly streamArn?: string } & Partial<
  Omit<TimeOptions, 'tz'> & Omit<OutputOptions, 'path'> & DownloadOptions & Omit<CronOptions, 'state'>
> & {
    readonly time?: Omit<TimeOptions, 'tz' | 'selector' | 'align'>;
    readonly timeZone?: string;
    readonly output?: string;
    readonly state?: string;
    readonly exec?: string;
  };

const GROUPS = {
  time: ['selector', 'align'],
  output: ['force', 'skipExisting', 'mkdir', 'split', 'faststart', 'format', 'gaps', 'failOnGap'],
  download: [
    'concurrency',
    'retries',
    'retryMaxTimeMs',
    'fragmentRate',
    'pacing',
    'dryRun',
    'continue',
    'keepParts',
    'limits',
  ],
} as const;

/** The GetOptions of a flat RunInput. */
export function getOptionsOfRun(input: RunInput): GetOptions {
  const pick = (keys: readonly string[]) =>
    Object.fromEntries(keys.flatMap((key) => (key in input ? [[key, (input as Record<string, unknown>)[key]]] : [])));
  return getOptions({
    stream: input.stream,
    ...(input.streamArn === undefined ? {} : { streamArn: input.streamArn }),
    time: { ...input.time, ...(input.timeZone === undefined ? {} : { tz: input.timeZone }), ...pick(GROUPS.time) },
    output: { ...(input.output === undefined ? {} : { path: input.output }), ...pick(GROUPS.output) },
    download: pick(GROUPS.download),
    ...(input.state === undefined
      ? {}
      : { cron: { state: input.state, ...(input.settleMs === undefined ? {} : { settleMs: input.settleMs }) } }),
    postSteps: input.exec === undefined ? {} : { exec: input.exec },
  });
}

export type Harness = {
  readonly emulator: RunningEmulator;
  readonly clock: VirtualClock;
  readonly dir: string;
  /** Runs `get` with defaults (UTC, server timestamps); captures events and the error, if any. */
  run(
    options: RunInput,
    extra?: {
      signal?: AbortSignal;
      onEvent?: (event: GetEvent) => void;
      stdout?: NodeJS.WritableStream;
      objectStore?: ObjectStore;
    },
  ): Promise<RunOutcome>;
  /** A reference MP4 (moov-first) built by the emulator from exactly these fragments, written under `dir`. */
  reference(stream: string, fragmentNumbers: readonly string[] | FragmentNumbers, name: string): Promise<string>;
  close(): Promise<void>;
};

export type RunOutcome = { result?: GetResult; error?: unknown; events: GetEvent[] };

export async function startHarness(
  options: Omit<EmulatorOptions, 'now' | 'sleep'>,
  startMs = Math.floor(Date.now() / 1000) * 1000,
): Promise<Harness> {
  // GetClip calls released by the pacer and not yet answered: the virtual clock waits for them (see virtualClock).
  const sending = new Set<AbortSignal>();
  const clock = virtualClock(startMs, { busy: () => sending.size > 0 });
  const emulator = await startEmulator({
    ...clientEmulatorOptions(),
    ...options,
    now: clock.now,
    sleep: () => Promise.resolve(),
  });
  const clients: KvsClients = createKvsClients({
    region: LOCAL_REGION,
    endpointUrl: emulator.url,
    credentials: LOCAL_CREDENTIALS,
  });
  const dir = await mkdtemp(join(tmpdir(), 'kvs-get-'));
  return {
    emulator,
    clock,
    dir,
    async run(partial, extra = {}) {
      const events: GetEvent[] = [];
      const options = getOptionsOfRun(partial);
      try {
        const result = await runGet(options, {
          nowMs: clock.now,
          sleep: clock.sleep,
          random: seededRandom(7),
          openSession: (sessionOptions) => {
            const session = createKvsSession(clients, {
              ...sessionOptions,
              beforeRequest: async (op, signal) => {
                await sessionOptions.beforeRequest?.(op, signal);
                if (op === 'GetClip' && signal !== undefined) sending.add(signal);
              },
            });
            return {
              ...session,
              getClip: (query, sink) =>
                session.getClip(query, sink).finally(() => {
                  if (sink.signal !== undefined) sending.delete(sink.signal);
                }),
            };
          },
          cwd: dir,
          emit: (event) => {
            events.push(event);
            extra.onEvent?.(event);
          },
          signal: extra.signal ?? new AbortController().signal,
          ...(extra.stdout === undefined ? {} : { stdout: extra.stdout }),
          ...(extra.objectStore === undefined ? {} : { objectStore: extra.objectStore }),
        });
        return { result, events };
      } catch (error) {
        return { error, events };
      }
    },
    async reference(name, fragmentNumbers, fileName) {
      const stream = emulator.streams.get(name);
      if (stream === undefined) throw new Error(`no stream ${name}`);
      const byNumber = new Map<string, StreamFragment>();
      for (let slot = 0; slot < stream.slotCount; slot++) {
        const fragment = stream.fragmentAt(slot);
        if (fragment !== undefined) byNumber.set(fragment.fragmentNumber, fragment);
      }
      const numbers = Array.isArray(fragmentNumbers)
        ? fragmentNumbers
        : unpackNumbers(fragmentNumbers as FragmentNumbers);
      const fragments = numbers.map((n) => {
        const fragment = byNumber.get(n);
        if (fragment === undefined) throw new Error(`no fragment ${n}`);
        return fragment;
      });
      const clip = buildClipStream(stream.clipMedia(fragments), { layout: 'moov-first' });
      const path = join(dir, fileName);
      await pipeline(Readable.from(clip.chunks()), createWriteStream(path));
      return path;
    },
    async close() {
      clients.destroy();
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every fragment number a run planned, in order. */
export function plannedFragments(result: GetResult): string[] {
  return result.parts.flatMap((entry) => unpackNumbers(entry.part.fragmentNumbers));
}
