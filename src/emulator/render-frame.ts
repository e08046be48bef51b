import { spawn } from 'node:child_process';
import { WireError } from './wire-error.js';

/** What one GetImages image is made of: an MP4 of the fragment holding the instant, and which frame of it. */
export type FrameRequest = {
  /** Identifies the MP4 (stream, slot): with the other fields, the cache key. */
  readonly sourceKey: string;
  /** The fragment as a progressive, moov-first MP4 (ffmpeg reads it from a pipe). */
  readonly mp4: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Frame number in presentation order (0-based) inside that MP4. */
  readonly frame: number;
  readonly format: 'JPEG' | 'PNG';
  /** JPEG quality 1–100 (ignored for PNG). */
  readonly quality: number;
  readonly widthPixels: number | undefined;
  readonly heightPixels: number | undefined;
};

/** An encoded image, or 'media-error' when the frame could not be decoded (GetImages' MEDIA_ERROR). */
export type RenderedFrame = Uint8Array | 'media-error';

export type FrameRenderer = (request: FrameRequest) => Promise<RenderedFrame>;

const CACHE_ENTRIES = 256;
/** ffmpeg processes at once (per emulator): enough to overlap process start-up, few enough for a small machine. */
const CONCURRENT_RENDERS = 2;
const RENDER_TIMEOUT_MS = 30_000;

/**
 * Renders frames with ffmpeg (docs/emulator.md, "GetImages"): the fragment's MP4 goes in on stdin, one JPEG or PNG
 * comes out on stdout. Results are cached (a bounded LRU: the synthetic streams loop an 8 s fixture, so sampled
 * instants repeat). Throws WireError 500 InternalFailure when ffmpeg is not installed: the emulator cannot make
 * pictures without it, and saying so beats answering MEDIA_ERROR for footage that exists.
 */
export function createFrameRenderer(options: { ffmpeg?: string } = {}): FrameRenderer {
  const ffmpeg = options.ffmpeg ?? 'ffmpeg';
  const cache = new Map<string, Promise<RenderedFrame>>();
  let running = 0;
  const waiting: (() => void)[] = [];
  const limited = async (request: FrameRequest): Promise<RenderedFrame> => {
    while (running >= CONCURRENT_RENDERS) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await runFfmpeg(ffmpeg, request);
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
  return (request) => {
    const key = [
      request.sourceKey,
      request.frame,
      request.format,
      request.quality,
      request.widthPixels,
      request.heightPixels,
    ].join('|');
    const cached = cache.get(key);
    if (cached !== undefined) {
      cache.delete(key);
      cache.set(key, cached);
      return cached;
    }
    const pending = limited(request);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
    if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value ?? key);
    return pending;
  };
}

/** ffmpeg's arguments for one frame: select it by number, scale as GetImages would, encode one image to stdout. */
export function ffmpegArguments(request: FrameRequest): string[] {
  const filters = [`select=eq(n\\,${request.frame})`];
  if (request.widthPixels !== undefined && request.heightPixels !== undefined)
    filters.push(`scale=${request.widthPixels}:${request.heightPixels}`, 'setsar=1');
  else if (request.heightPixels !== undefined) filters.push(`scale=-1:${request.heightPixels}`);
  const codec =
    request.format === 'PNG'
      ? ['-c:v', 'png', '-f', 'image2pipe']
      : ['-c:v', 'mjpeg', '-q:v', String(jpegScale(request.quality)), '-f', 'image2pipe'];
  return ['-v', 'error', '-f', 'mp4', '-i', 'pipe:0', '-vf', filters.join(','), '-vsync', '0', '-frames:v', '1']
    .concat(codec)
    .concat(['pipe:1']);
}

/** JPEGQuality 1 (smallest) … 100 (best) onto ffmpeg's mjpeg -q:v 31 (worst) … 2 (best). */
function jpegScale(quality: number): number {
  return Math.round(2 + ((100 - quality) * 29) / 99);
}

async function runFfmpeg(ffmpeg: string, request: FrameRequest): Promise<RenderedFrame> {
  const child = spawn(ffmpeg, ffmpegArguments(request), { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), RENDER_TIMEOUT_MS);
  const exited = new Promise<number | 'missing'>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ENOENT' ? 'missing' : -1));
    child.once('close', (code) => resolve(code ?? -1));
  });
  // ffmpeg stops reading once it has its frame: EPIPE on stdin is expected, not a failure.
  child.stdin.on('error', () => undefined);
  try {
    for await (const chunk of request.mp4()) {
      if (child.stdin.destroyed) break;
      if (!child.stdin.write(chunk))
        await Promise.race([new Promise((resolve) => child.stdin.once('drain', resolve)), exited]);
    }
  } catch {
    // The writer failed mid-way: ffmpeg sees a cut file and fails, which becomes MEDIA_ERROR below.
  }
  child.stdin.end();
  const code = await exited;
  clearTimeout(timer);
  if (code === 'missing') {
    throw new WireError(
      'InternalFailure',
      500,
      'The kvs-clip emulator needs ffmpeg on PATH to render GetImages images (apt-get install ffmpeg).',
    );
  }
  const image = Buffer.concat(out);
  return code === 0 && image.length > 0 ? new Uint8Array(image) : 'media-error';
}
