import type { EmulatedStream, StreamDescription } from './emulated-stream.js';
import { loadFileStream } from './file-stream.js';
import type { LoopMedia } from './loop-media.js';
import { loadPresetMedia, PRESET_MEDIA_TYPES } from './load-loop-media.js';
import { mixSeed } from './seeded-random.js';
import type { StreamSpec } from './stream-spec.js';
import { SynthStream } from './synth-stream.js';
import { configSelector, offlinePredicate } from './time-marks.js';

export type CreateStreamsOptions = {
  /** Emulator clock at start-up: default end of every span. */
  readonly nowMs: number;
  readonly seed: number;
  readonly region: string;
  readonly fixtureDir: string;
};

/** The fake account all ARNs live in. */
export const ACCOUNT_ID = '123456789012';
const HOUR_MS = 3_600_000;

/**
 * Builds the streams of an emulator from their specs, sharing loaded fixture media between streams with the same
 * preset and bitrate. Throws Error/RangeError/MediaError for an unusable spec or source file.
 */
export async function createStreams(
  specs: readonly StreamSpec[],
  options: CreateStreamsOptions,
): Promise<EmulatedStream[]> {
  const media = new Map<string, Promise<LoopMedia>>();
  const streams: EmulatedStream[] = [];
  for (const [ordinal, spec] of specs.entries()) {
    const endMs = spec.endMs ?? options.nowMs;
    const spanMs = spec.spanMs ?? HOUR_MS;
    const skewMs = spec.skewMs ?? 0;
    const description = (mediaType: string, creationMs: number): StreamDescription => ({
      name: spec.name,
      arn: `arn:aws:kinesisvideo:${options.region}:${ACCOUNT_ID}:stream/${spec.name}/${String(Math.max(0, Math.floor(creationMs))).padStart(13, '0')}`,
      creationMs,
      retentionHours: spec.retentionHours ?? 168,
      mediaType,
      version: `v${mixSeed(options.seed, spec.name).toString(36)}`,
      deviceName: `${spec.name}-device`,
      ...(spec.clipError === undefined ? {} : { clipError: spec.clipError }),
    });
    if ('file' in spec.source) {
      streams.push(
        await loadFileStream(spec.source.file, {
          describe: (mediaType, creationMs) => description(mediaType, creationMs),
          ordinal,
          endMs,
          skewMs,
          fragmentSeconds: spec.fragmentSeconds ?? 2,
        }),
      );
      continue;
    }
    const preset = spec.source.preset;
    const bitrate = spec.bitrate ?? 1;
    const withAltVideo = (spec.cpdChanges ?? []).length > 0;
    const key = `${preset}/${bitrate}/${String(withAltVideo)}`;
    let loaded = media.get(key);
    if (loaded === undefined) {
      loaded = loadPresetMedia(preset, { fixtureDir: options.fixtureDir, bitrate, withAltVideo });
      media.set(key, loaded);
    }
    streams.push(
      new SynthStream({
        description: description(PRESET_MEDIA_TYPES[preset], spec.createdMs ?? endMs - spanMs - skewMs - HOUR_MS),
        ordinal,
        media: await loaded,
        fragmentSeconds: spec.fragmentSeconds ?? 2,
        spanEndMs: endMs,
        spanMs,
        live: spec.live ?? false,
        epochSlots: spec.epochSlots ?? false,
        skewMs,
        jitterMs: spec.jitterMs ?? 40,
        seed: mixSeed(options.seed, spec.name),
        offline: offlinePredicate(spec.gaps ?? []),
        configAt: configSelector(spec.cpdChanges ?? []),
      }),
    );
  }
  return streams;
}
