import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memorySource } from '../mp4/write/file-source.js';
import { readClip } from '../mp4/read/read-clip.js';
import type { LoopMedia } from './loop-media.js';
import { loopAudioFromClip, loopVideoFromClip } from './loop-media-from-clip.js';
import type { Preset } from './stream-spec.js';

/** The committed fixtures (shipped in the npm package), relative to both src/emulator and dist/emulator. */
export const DEFAULT_FIXTURE_DIR = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

/** The unsplit 8 s references: gapless loop sources (test/fixtures/README.md). */
export const PRESET_FILES: Readonly<Record<Preset, string>> = {
  h264: 'h264.full.mp4',
  h264_aac: 'h264_aac.full.mp4',
  h265: 'h265.full.mp4',
  h265_aac: 'h265_aac.full.mp4',
  h264_alaw: 'h264_alaw.full.mov',
};

/**
 * The second codec configuration for cpd-change: 480x270 H.264 whose SPS/PPS live only in avcC, so a joiner that
 * keeps only the first sample entry produces decode errors (test/fixtures/README.md, `h264_resx`).
 */
export const ALT_VIDEO_FILE = 'h264_resx-2.mp4';

/** StreamInfo.MediaType per preset. */
export const PRESET_MEDIA_TYPES: Readonly<Record<Preset, string>> = {
  h264: 'video/h264',
  h264_aac: 'video/h264,audio/aac',
  h265: 'video/h265',
  h265_aac: 'video/h265,audio/aac',
  h264_alaw: 'video/h264,audio/alaw',
};

export type LoadOptions = { readonly fixtureDir: string; readonly bitrate: number; readonly withAltVideo: boolean };

/**
 * Reads a preset's fixture (and, for codec-config changes, the alternate resolution) into a loop source. The alternate
 * video is re-timed onto the preset's video timescale and frame duration so both configurations share one track.
 * Throws MediaError (unreadable MP4) or Error (not a clean loop source, alternate for a non-H.264 preset).
 */
export async function loadPresetMedia(preset: Preset, options: LoadOptions): Promise<LoopMedia> {
  const bytes = await readFile(join(options.fixtureDir, PRESET_FILES[preset]));
  const clip = await readClip(memorySource(bytes), { name: PRESET_FILES[preset] });
  const video = loopVideoFromClip(clip, bytes, { bitrateMultiplier: options.bitrate });
  let altVideo;
  if (options.withAltVideo) {
    if (video.entry.codec !== 'h264') throw new Error(`cpd-change needs an H.264 preset, got ${preset}`);
    const altBytes = await readFile(join(options.fixtureDir, ALT_VIDEO_FILE));
    const alt = loopVideoFromClip(await readClip(memorySource(altBytes), { name: ALT_VIDEO_FILE }), altBytes, {
      bitrateMultiplier: options.bitrate,
    });
    if (alt.gopFrames !== video.gopFrames)
      throw new Error(`${ALT_VIDEO_FILE} has ${alt.gopFrames}-frame GOPs, the preset ${video.gopFrames}`);
    const scale = video.header.timescale / alt.header.timescale;
    altVideo = {
      ...alt,
      header: {
        ...video.header,
        width: alt.entry.width ?? alt.header.width,
        height: alt.entry.height ?? alt.header.height,
      },
      frameDuration: video.frameDuration,
      ctsOffsets: alt.ctsOffsets.map((offset) => Math.round(offset * scale)),
    };
  }
  return { video, altVideo, audio: loopAudioFromClip(clip, bytes) };
}
