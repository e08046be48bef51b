import { createPacer } from '../../download/pacer.js';
import { DEFAULT_RETRY_BUDGET } from '../../download/retry-policy.js';
import { MediaError } from '../../errors/media-error.js';
import { NotFoundError } from '../../errors/not-found-error.js';
import {
  checkImageNames,
  checkImageTemplate,
  defaultImageTemplate,
  imageFileName,
  writeImageFile,
} from '../../images/image-files.js';
import { EMPTY_TALLY, tallyImage, type ImageRecord, type ImageTally } from '../../images/image-records.js';
import { imageSize } from '../../images/image-size.js';
import { checkSheetName, openSheetFile, type SheetFile } from '../../images/sheet-file.js';
import type { ImagesPort, SampledImage } from '../../images/images-port.js';
import { defaultEveryMs, planImageCalls } from '../../images/plan-image-calls.js';
import { heightForWidth, probePictureSize } from '../../images/probe-size.js';
import { sampleImages, type SamplingRequest, type SamplingRuntime } from '../../images/sample-images.js';
import { classifyForRetry } from '../../kvs/classify-for-retry.js';
import { createKvsSession, type KvsSession } from '../../kvs/kvs-session.js';
import { mapSdkError } from '../../kvs/map-sdk-error.js';
import { describeWindow } from '../../time/describe-window.js';
import { formatDuration } from '../../time/format-duration.js';
import { formatInstant } from '../../time/format-instant.js';
import { resolveWindow } from '../../time/resolve-window.js';
import type { ImagesOptions } from '../commands/images.js';
import { withoutKeptParts } from '../../errors/remote-error.js';
import type { CliIo } from '../io.js';
import { formatBytes } from '../../text/format-bytes.js';
import { jsonInstant, jsonSpan, type ImagesJsonResult } from '../render/json.js';
import { openKvsClients } from './open-kvs-clients.js';
import { count } from '../../text/count.js';
import { resolveOutputPath } from '../options/output-dir.js';

/**
 * GetImages has no published per-call quota; the pacer paces its pages like the other data-plane reads (5 calls/s at
 * the 80 % margin) and charges one fragment-media point per image, half the stream's budget (docs/images.md).
 */
const IMAGES_PACING = { getClipPerSecond: 4, fragmentsPerSecond: 250, listFragmentsPerSecond: 4 };

type Outputs = { readonly template: string | undefined; readonly sheet: SheetFile | undefined };

/**
 * `kvs-clip images`: resolve the window and the interval, refuse existing names before any call, sample with
 * GetImages (paced, retried), write each picture as it arrives, report gaps. Human mode prints each file on stdout and
 * a summary on stderr. Throws NotFoundError E_NO_MEDIA (exit 3) when no instant has footage, MediaError (exit 6)
 * when footage exists but none could be turned into a picture, and the mapped KVS and output errors.
 */
export async function runImagesCommand(options: ImagesOptions, io: CliIo): Promise<ImagesJsonResult> {
  const { time, mode } = options;
  const window = resolveWindow(time, { nowMs: io.now(), timeZone: time.tz });
  const everyMs = options.everyMs ?? defaultEveryMs(window);
  const total = [...planImageCalls(window, { everyMs })].reduce((sum, call) => sum + call.imageCount, 0);
  const checked = await checkOutputs(options, window, everyMs);
  const say = (line: string): void => {
    if (!mode.quiet && !mode.json) io.stderr.write(`${line}\n`);
  };
  say(
    `${describeWindow(window, { timeZone: time.tz, selector: time.selector })}: ${count(total, 'picture')}, one every ${formatDuration(everyMs)}`,
  );
  const sheetContext = { stream: options.stream, timeZone: time.tz, everyMs, selector: time.selector };
  const outputs: Outputs = {
    ...checked,
    sheet:
      options.sheet === undefined
        ? undefined
        : await openSheetFile(options.sheet, { ...sheetContext, force: options.force }),
  };
  const connection = await openKvsClients(options.aws, io).catch(async (error: unknown) => {
    await outputs.sheet?.discard();
    throw error;
  });
  try {
    const stream = options.streamArn === undefined ? { streamName: options.stream } : { streamArn: options.streamArn };
    const port = imagesPort(createKvsSession(connection.clients, { stream }), options.stream);
    const runtime: SamplingRuntime = {
      signal: io.signal,
      pacer: createPacer(IMAGES_PACING, Date.now()),
      budget: { ...DEFAULT_RETRY_BUDGET, ...options.download },
      nowMs: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      onRetry: (notice) => say(notice.message),
    };
    const request = await samplingRequest(options, { window, everyMs }, port, runtime);
    let tally: ImageTally = EMPTY_TALLY;
    const records: ImageRecord[] = [];
    await sampleImages(port, request, runtime, async (image) => {
      const record = await recordImage(image, records.length + 1, options, outputs);
      if (!('error' in record) && record.file !== undefined && !mode.json) io.stdout.write(`${record.file}\n`);
      tally = tallyImage(tally, record);
      records.push(record);
    });
    say(summaryLine(tally, records.length));
    if (tally.written === 0) throw nothingWritten(tally, records.length);
    await outputs.sheet?.commit({ ...sheetContext, window, tally, sampled: records.length });
    if (options.sheet !== undefined && !mode.json) io.stdout.write(`${options.sheet}\n`);
    return jsonResult(options, { window, everyMs }, records, tally);
  } catch (error) {
    await outputs.sheet?.discard();
    // Pictures are written one by one, each complete: there are no parts a rerun could reuse.
    throw withoutKeptParts(error);
  } finally {
    await connection.close();
  }
}

/** The images port over src/kvs' session: one attempt per call, errors typed by mapSdkError. */
function imagesPort(session: KvsSession, stream: string): ImagesPort {
  return {
    getImages: (request, callOptions) => session.getImages(request, callOptions),
    refreshEndpoint: () => session.refreshEndpoints(),
    classify: classifyForRetry,
    toError: (error) => mapSdkError(error, { op: 'GetImages', stream }),
  };
}

/** Checks the -o template and every planned name before any network call (never overwrite without --force). */
async function checkOutputs(
  options: ImagesOptions,
  window: { startMs: number; endMs: number },
  everyMs: number,
): Promise<Outputs> {
  if (options.sheet !== undefined) await checkSheetName(options.sheet, { force: options.force });
  // --sheet alone keeps the pictures inside the sheet; -o or --output-dir (or neither flag) writes files.
  const defaultTemplate = defaultImageTemplate({ everyMs, format: options.format });
  const chosen =
    options.output !== undefined || options.outputDir !== undefined
      ? resolveOutputPath(options.output, options.outputDir, defaultTemplate)
      : options.sheet === undefined
        ? defaultTemplate
        : undefined;
  if (chosen === undefined) return { template: undefined, sheet: undefined };
  const template: string = chosen;
  checkImageTemplate(template);
  const stream = options.stream;
  const selector = options.time.selector;
  function* names(): Generator<string> {
    let index = 0;
    for (let ms = window.startMs; ms < window.endMs; ms += everyMs) {
      index += 1;
      yield imageFileName(template, { stream, timeMs: ms, index, selector });
    }
  }
  await checkImageNames(names(), { force: options.force });
  return { template, sheet: undefined };
}

async function samplingRequest(
  options: ImagesOptions,
  sampling: { window: { startMs: number; endMs: number }; everyMs: number },
  port: ImagesPort,
  runtime: SamplingRuntime,
): Promise<SamplingRequest> {
  const base: SamplingRequest = {
    ...sampling,
    selector: options.time.selector,
    picture: {
      format: options.format,
      ...(options.quality === undefined ? {} : { quality: options.quality }),
      ...(options.height === undefined ? {} : { heightPixels: options.height }),
    },
  };
  if (options.width === undefined) return base;
  const heightPixels = options.height ?? heightForWidth(await probePictureSize(port, base, runtime), options.width);
  return { ...base, picture: { ...base.picture, widthPixels: options.width, heightPixels } };
}

async function recordImage(
  image: SampledImage,
  index: number,
  options: ImagesOptions,
  outputs: Outputs,
): Promise<ImageRecord> {
  if ('error' in image) {
    await outputs.sheet?.add({ record: image, index });
    return image;
  }
  let file: string | undefined;
  if (outputs.template !== undefined) {
    file = imageFileName(outputs.template, {
      stream: options.stream,
      timeMs: image.timestampMs,
      index,
      selector: options.time.selector,
    });
    await writeImageFile(file, image.bytes, { force: options.force });
  }
  const record = { timestampMs: image.timestampMs, file, sizeBytes: image.bytes.length, size: imageSize(image.bytes) };
  const mime = options.format === 'png' ? 'image/png' : 'image/jpeg';
  await outputs.sheet?.add({ record, index, picture: { bytes: image.bytes, mime } });
  return record;
}

function summaryLine(tally: ImageTally, sampled: number): string {
  const gaps = tally.gaps.map(
    (gap) =>
      `${formatInstant(gap.firstMs)}${gap.images > 1 ? ` … ${formatInstant(gap.lastMs)}` : ''} (${gap.error}, ${count(gap.images, 'instant')})`,
  );
  const missing = sampled - tally.written;
  return (
    `Wrote ${tally.written} of ${count(sampled, 'picture')}, ${formatBytes(tally.bytes)}` +
    (missing === 0 ? '' : `; ${count(missing, 'instant')} without a picture: ${gaps.join(', ')}`)
  );
}

function nothingWritten(tally: ImageTally, sampled: number): Error {
  if (tally.mediaError > 0) {
    return new MediaError(
      'E_MEDIA_UNSUPPORTED',
      `GetImages could not make a picture at ${anyOf(sampled, 'instant')} (MEDIA_ERROR)`,
      {
        hint: 'A producer-side problem: the footage cannot be decoded (audio only, or media KVS cannot read)',
      },
    );
  }
  return new NotFoundError('E_NO_MEDIA', `No footage at ${anyOf(sampled, 'sampled instant')} (NO_MEDIA)`, {
    hint: "Check the range with `kvs-clip list`, the --timestamps selector and the stream's retention period",
  });
}

/** `the 1 instant`, `any of the 3 instants`. */
function anyOf(n: number, noun: string): string {
  return n === 1 ? `the 1 ${noun}` : `any of the ${count(n, noun)}`;
}

function jsonResult(
  options: ImagesOptions,
  sampling: { window: { startMs: number; endMs: number }; everyMs: number },
  records: readonly ImageRecord[],
  tally: ImageTally,
): ImagesJsonResult {
  return {
    command: 'images',
    stream: options.stream,
    window: { ...jsonSpan(sampling.window.startMs, sampling.window.endMs), tz: options.time.tz },
    selector: options.time.selector,
    everyMs: sampling.everyMs,
    format: options.format,
    images: records.map((record) =>
      'error' in record
        ? { instant: jsonInstant(record.timestampMs), error: record.error }
        : {
            instant: jsonInstant(record.timestampMs),
            file: record.file ?? null,
            bytes: record.sizeBytes,
            width: record.size?.width ?? null,
            height: record.size?.height ?? null,
          },
    ),
    gaps: tally.gaps.map((gap) => ({
      first: jsonInstant(gap.firstMs),
      last: jsonInstant(gap.lastMs),
      images: gap.images,
      error: gap.error,
    })),
    counts: { sampled: records.length, written: tally.written, noMedia: tally.noMedia, mediaError: tally.mediaError },
    bytes: tally.bytes,
    sheet: options.sheet ?? null,
  };
}
