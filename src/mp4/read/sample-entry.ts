/**
 * `stsd` entry → `SampleEntry` (model.ts): codec, dimensions or channels/rate, parameter sets, NAL length size and
 * the semantic key the joiner compares (docs/joiner.md, "Rewrite, not concatenation"). Bitrate-only differences
 * (`btrt`, esds bitrates) do not change the key, because they differ in every encoder-cut clip.
 */
import { MediaError } from '../../errors/media-error.js';
import type { BoxView } from './byte-reader.js';
import { printableType } from './byte-reader.js';
import { parseAudioSampleEntry, type AudioSampleEntry } from '../boxes/audio-sample-entry.js';
import { parseAvcC } from '../boxes/avcc.js';
import { parseEsds } from '../boxes/esds.js';
import { parseHvcC } from '../boxes/hvcc.js';
import { parseVisualSampleEntry, type VisualSampleEntry } from '../boxes/visual-sample-entry.js';
import type { Codec, SampleEntry } from '../model.js';

const VIDEO: Readonly<Record<string, Codec>> = { avc1: 'h264', avc3: 'h264', hvc1: 'h265', hev1: 'h265' };
const AUDIO: Readonly<Record<string, Codec>> = { mp4a: 'aac', alaw: 'alaw' };
/** HEVC NAL types sent before the first picture: VPS, SPS, PPS. */
const HEVC_PARAMETER_SETS = [32, 33, 34];
/** ISO/IEC 14496-1 objectTypeIndication values that carry AAC: MPEG-4 audio, MPEG-2 AAC Main/LC/SSR. */
const AAC_OBJECT_TYPES = [0x40, 0x66, 0x67, 0x68];
const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/**
 * Describes one `stsd` entry. Throws `MediaError('E_MEDIA_UNSUPPORTED')` naming the fourcc for a codec other than
 * H.264, H.265, AAC or A-law (or a NAL length size of 3), and `E_MP4_PARSE` for a malformed entry.
 */
export function parseSampleEntry(view: BoxView): SampleEntry {
  const fourcc = view.type;
  const videoCodec = VIDEO[fourcc];
  if (videoCodec !== undefined) return videoEntry(view, videoCodec);
  const audioCodec = AUDIO[fourcc];
  if (audioCodec !== undefined) return audioEntry(view, audioCodec);
  throw new MediaError(
    'E_MEDIA_UNSUPPORTED',
    `unsupported codec '${printableType(fourcc)}' in ${view.body.path} @ 0x${view.offset.toString(16)}`,
    {
      hint: 'kvs-clip handles H.264 (avc1/avc3), H.265 (hvc1/hev1), AAC (mp4a) and G.711 A-law (alaw)',
    },
  );
}

function videoEntry(view: BoxView, codec: Codec): SampleEntry {
  const visual = parseVisualSampleEntry(view.body);
  const configType = codec === 'h264' ? 'avcC' : 'hvcC';
  const config = visual.children.find((c) => c.type === configType);
  if (config === undefined) return view.body.fail(`${view.type} entry has no ${configType}`);
  const configBytes = config.raw.subarray(config.headerSize);
  let nalLengthSize: number;
  let parameterSets: Uint8Array[];
  if (codec === 'h264') {
    const avcC = parseAvcC(config.body);
    nalLengthSize = avcC.nalLengthSize;
    parameterSets = [...avcC.sps, ...avcC.pps];
  } else {
    const hvcC = parseHvcC(config.body);
    nalLengthSize = hvcC.nalLengthSize;
    parameterSets = HEVC_PARAMETER_SETS.flatMap((t) =>
      hvcC.arrays.filter((a) => a.nalType === t).flatMap((a) => a.units),
    );
  }
  if (nalLengthSize === 3) {
    throw new MediaError(
      'E_MEDIA_UNSUPPORTED',
      `NAL length size 3 in ${config.body.path} @ 0x${config.offset.toString(16)}`,
    );
  }
  return {
    fourcc: view.type,
    codec,
    raw: view.raw.slice(),
    key: videoKey(view.type, visual, configType, configBytes),
    width: visual.width,
    height: visual.height,
    nalLengthSize,
    parameterSets,
  };
}

function audioEntry(view: BoxView, codec: Codec): SampleEntry {
  const audio = parseAudioSampleEntry(view.body);
  let channelCount = audio.channelCount;
  let sampleRate = audio.sampleRate;
  let keyTail = '';
  if (codec === 'aac') {
    const esdsView = findEsds(audio);
    if (esdsView === undefined) return view.body.fail('mp4a entry has no esds');
    const esds = parseEsds(esdsView.body);
    if (!AAC_OBJECT_TYPES.includes(esds.objectTypeIndication)) {
      throw new MediaError(
        'E_MEDIA_UNSUPPORTED',
        `unsupported mp4a objectTypeIndication 0x${esds.objectTypeIndication.toString(16)} (not AAC) in ${esdsView.body.path} @ 0x${esdsView.offset.toString(16)}`,
      );
    }
    const asc = readAudioSpecificConfig(esds.decoderSpecificInfo);
    if (asc.sampleRate > 0) sampleRate = asc.sampleRate;
    if (asc.channelConfiguration > 0) channelCount = asc.channelConfiguration === 7 ? 8 : asc.channelConfiguration;
    keyTail = ` oti=${esds.objectTypeIndication} asc=${hex(esds.decoderSpecificInfo)}`;
  } else {
    keyTail = ` bits=${audio.sampleSize}`;
  }
  return {
    fourcc: view.type,
    codec,
    raw: view.raw.slice(),
    key: `${view.type} ch=${channelCount} rate=${sampleRate}${keyTail}`,
    channelCount,
    sampleRate,
  };
}

function videoKey(fourcc: string, visual: VisualSampleEntry, configType: string, configBytes: Uint8Array): string {
  const extras = visual.children
    .filter((c) => c.type === 'pasp' || c.type === 'colr')
    .map((c) => ` ${c.type}=${hex(c.raw.subarray(c.headerSize))}`)
    .join('');
  return `${fourcc} ${visual.width}x${visual.height} ${configType}=${hex(configBytes)}${extras}`;
}

function findEsds(audio: AudioSampleEntry): BoxView | undefined {
  const direct = audio.children.find((c) => c.type === 'esds');
  if (direct !== undefined) return direct;
  // QuickTime files nest esds in a `wave` box.
  const wave = audio.children.find((c) => c.type === 'wave');
  return wave?.body.boxes().find((c) => c.type === 'esds');
}

/** AudioSpecificConfig, ISO/IEC 14496-3 §1.6.2.1: object type, sampling frequency, channel configuration. */
function readAudioSpecificConfig(asc: Uint8Array): { sampleRate: number; channelConfiguration: number } {
  let bitPos = 0;
  const bits = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++, bitPos++) {
      const byte = asc[bitPos >> 3];
      if (byte === undefined) return -1;
      v = (v << 1) | ((byte >> (7 - (bitPos & 7))) & 1);
    }
    return v;
  };
  const objectType = bits(5);
  if (objectType === 31) bits(6);
  const frequencyIndex = bits(4);
  const sampleRate = frequencyIndex === 15 ? bits(24) : (AAC_RATES[frequencyIndex] ?? 0);
  const channelConfiguration = bits(4);
  return { sampleRate: Math.max(sampleRate, 0), channelConfiguration: Math.max(channelConfiguration, 0) };
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
