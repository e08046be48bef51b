// Test helper: synthesises small clips in-process with the box builders (progressive moov-first/moov-last and
// fragmented), so reader tests need no ffmpeg. Every sample's bytes are filled with a marker (its index + 1, mod 256).
import { box, concatBytes, freeThenMdatHeader } from '../../src/mp4/boxes/byte-writer.js';
import { buildDinf } from '../../src/mp4/boxes/dinf.js';
import { buildEdts } from '../../src/mp4/boxes/elst.js';
import { buildFtyp } from '../../src/mp4/boxes/ftyp.js';
import { buildHdlr } from '../../src/mp4/boxes/hdlr.js';
import { buildMdhd } from '../../src/mp4/boxes/mdhd.js';
import { buildSmhd, buildVmhd } from '../../src/mp4/boxes/media-header.js';
import { buildMoof } from '../../src/mp4/boxes/moof.js';
import { buildMvex } from '../../src/mp4/boxes/mvex.js';
import { buildMvhd } from '../../src/mp4/boxes/mvhd.js';
import { buildChunkOffsets } from '../../src/mp4/boxes/stco.js';
import { buildCtts } from '../../src/mp4/boxes/ctts.js';
import { buildStsc } from '../../src/mp4/boxes/stsc.js';
import { buildStsd } from '../../src/mp4/boxes/stsd.js';
import { buildStss } from '../../src/mp4/boxes/stss.js';
import { buildStsz } from '../../src/mp4/boxes/stsz.js';
import { buildStts } from '../../src/mp4/boxes/stts.js';
import { buildTkhd } from '../../src/mp4/boxes/tkhd.js';
import { SAMPLE_FLAGS_NON_SYNC, SAMPLE_FLAGS_SYNC } from '../../src/mp4/boxes/trun.js';
import { buildAvcC } from '../../src/mp4/boxes/avcc.js';
import { buildEsds } from '../../src/mp4/boxes/esds.js';
import { buildVisualSampleEntry } from '../../src/mp4/boxes/visual-sample-entry.js';
import { buildAudioSampleEntry } from '../../src/mp4/boxes/audio-sample-entry.js';
import type { EditEntry } from '../../src/mp4/model.js';

export type TestSample = { size: number; duration: number; cts?: number; sync?: boolean };
export type TestTrack = {
  trackId: number;
  kind: 'video' | 'audio';
  timescale: number;
  entry: Uint8Array;
  samples: TestSample[];
  /** Constant stsz sample size (PCM); samples must then all have this size. */
  constantSize?: number;
  edits?: EditEntry[];
  width?: number;
  height?: number;
};

export const SPS = Uint8Array.of(0x67, 0x4d, 0x40, 0x0d, 0xec, 0xa0, 0xa0, 0x2f, 0xf9);
export const PPS = Uint8Array.of(0x68, 0xeb, 0xec, 0xb2);
export const ASC = Uint8Array.of(0x14, 0x08);

export function avc1Entry(width = 320, height = 180, sps = SPS): Uint8Array {
  const avcC = buildAvcC({
    profile: 0x4d,
    compatibility: 0x40,
    level: 0x0d,
    nalLengthSize: 4,
    sps: [sps],
    pps: [PPS],
    extension: new Uint8Array(0),
  });
  return buildVisualSampleEntry('avc1', { width, height, children: [avcC] });
}

export function mp4aEntry(bitrate = 24000): Uint8Array {
  const esds = buildEsds({
    esId: 2,
    objectTypeIndication: 0x40,
    streamType: 5,
    bufferSize: 0,
    maxBitrate: bitrate,
    avgBitrate: bitrate,
    decoderSpecificInfo: ASC,
  });
  return buildAudioSampleEntry('mp4a', { channelCount: 1, sampleSize: 16, sampleRate: 16000, children: [esds] });
}

export function alawEntry(): Uint8Array {
  return buildAudioSampleEntry('alaw', { channelCount: 1, sampleSize: 16, sampleRate: 8000, children: [] });
}

function marker(index: number, size: number): Uint8Array {
  return new Uint8Array(size).fill((index + 1) & 0xff);
}

function runs(values: number[]): { counts: number[]; values: number[] } {
  const counts: number[] = [];
  const out: number[] = [];
  for (const v of values) {
    if (out.length > 0 && out[out.length - 1] === v) counts[counts.length - 1] = (counts[counts.length - 1] ?? 0) + 1;
    else {
      out.push(v);
      counts.push(1);
    }
  }
  return { counts, values: out };
}

function trakBox(t: TestTrack, stbl: Uint8Array[]): Uint8Array {
  const duration = t.samples.reduce((s, x) => s + x.duration, 0);
  const video = t.kind === 'video';
  return box(
    'trak',
    buildTkhd({
      trackId: t.trackId,
      duration: Math.round((duration * 1000) / t.timescale),
      width: video ? (t.width ?? 320) : 0,
      height: video ? (t.height ?? 180) : 0,
      volume: video ? 0 : 0x100,
    }),
    ...(t.edits === undefined ? [] : [buildEdts(t.edits)]),
    box(
      'mdia',
      buildMdhd({ timescale: t.timescale, duration, language: 'und' }),
      buildHdlr({ handlerType: video ? 'vide' : 'soun', name: video ? 'VideoHandler' : 'SoundHandler' }),
      box('minf', video ? buildVmhd() : buildSmhd(), buildDinf(), box('stbl', ...stbl)),
    ),
  );
}

/** A progressive clip; chunks of `chunkSamples` samples per track, interleaved track by track. */
export function buildProgressiveClip(
  tracks: TestTrack[],
  options: { moovFirst: boolean; chunkSamples?: number[] },
): Uint8Array {
  const ftyp = buildFtyp({ majorBrand: 'isom', minorVersion: 512, compatibleBrands: ['isom', 'iso2', 'avc1', 'mp41'] });
  type Chunk = { track: number; first: number; count: number };
  const chunks: Chunk[] = [];
  const cursors = tracks.map(() => 0);
  let progress = true;
  while (progress) {
    progress = false;
    tracks.forEach((t, i) => {
      const at = cursors[i] ?? 0;
      if (at >= t.samples.length) return;
      const count = Math.min(options.chunkSamples?.[i] ?? 5, t.samples.length - at);
      chunks.push({ track: i, first: at, count });
      cursors[i] = at + count;
      progress = true;
    });
  }
  const payload: Uint8Array[] = [];
  const chunkPayloadOffsets: number[] = [];
  let size = 0;
  for (const c of chunks) {
    chunkPayloadOffsets.push(size);
    const t = tracks[c.track];
    for (let k = 0; k < c.count && t; k++) {
      const s = t.samples[c.first + k];
      if (!s) continue;
      payload.push(marker(c.first + k, s.size));
      size += s.size;
    }
  }
  const mdatHeader = freeThenMdatHeader(size);
  const moov = (mdatStart: number): Uint8Array =>
    box(
      'moov',
      buildMvhd({ timescale: 1000, duration: 1000, nextTrackId: tracks.length + 1 }),
      ...tracks.map((t, i) => {
        const mine = chunks
          .map((c, j) => ({ c, off: mdatStart + (chunkPayloadOffsets[j] ?? 0) }))
          .filter((x) => x.c.track === i);
        const stts = runs(t.samples.map((s) => s.duration));
        const stbl = [buildStsd([t.entry]), buildStts({ sampleCounts: stts.counts, sampleDeltas: stts.values })];
        if (t.samples.some((s) => (s.cts ?? 0) !== 0)) {
          const ctts = runs(t.samples.map((s) => s.cts ?? 0));
          stbl.push(buildCtts({ sampleCounts: ctts.counts, sampleOffsets: ctts.values }));
        }
        if (t.samples.some((s) => s.sync === false)) {
          stbl.push(buildStss(t.samples.flatMap((s, k) => (s.sync === false ? [] : [k + 1]))));
        }
        stbl.push(
          buildStsc({
            firstChunks: mine.map((_, k) => k + 1),
            samplesPerChunk: mine.map((x) => x.c.count),
            sampleDescriptionIndices: mine.map(() => 1),
          }),
        );
        stbl.push(
          t.constantSize === undefined
            ? buildStsz({ sampleSize: 0, sampleCount: t.samples.length, entrySizes: t.samples.map((s) => s.size) })
            : buildStsz({ sampleSize: t.constantSize, sampleCount: t.samples.length, entrySizes: null }),
        );
        stbl.push(buildChunkOffsets(mine.map((x) => x.off)));
        return trakBox(t, stbl);
      }),
    );
  if (options.moovFirst) {
    const probe = moov(0);
    const start = ftyp.length + probe.length + mdatHeader.length;
    return concatBytes([ftyp, moov(start), mdatHeader, ...payload]);
  }
  const start = ftyp.length + mdatHeader.length;
  return concatBytes([ftyp, mdatHeader, ...payload, moov(start)]);
}

/** A fragmented clip (empty moov + mvex, one moof+mdat per `samplesPerFragment` samples of each track). */
export function buildFragmentedClip(
  tracks: TestTrack[],
  options: { samplesPerFragment: number; defaultBaseIsMoof?: boolean },
): Uint8Array {
  const ftyp = buildFtyp({ majorBrand: 'iso5', minorVersion: 512, compatibleBrands: ['iso5', 'iso6', 'mp41'] });
  const emptyStbl = (t: TestTrack): Uint8Array[] => [
    buildStsd([t.entry]),
    buildStts({ sampleCounts: [], sampleDeltas: [] }),
    buildStsc({ firstChunks: [], samplesPerChunk: [], sampleDescriptionIndices: [] }),
    buildStsz({ sampleSize: 0, sampleCount: 0, entrySizes: [] }),
    buildChunkOffsets([]),
  ];
  const moov = box(
    'moov',
    buildMvhd({ timescale: 1000, duration: 0, nextTrackId: tracks.length + 1 }),
    ...tracks.map((t) => trakBox(t, emptyStbl(t))),
    buildMvex({
      trex: tracks.map((t) => ({
        trackId: t.trackId,
        defaultSampleDescriptionIndex: 1,
        defaultSampleDuration: 0,
        defaultSampleSize: 0,
        defaultSampleFlags: 0,
      })),
    }),
  );
  const parts: Uint8Array[] = [ftyp, moov];
  let offset = ftyp.length + moov.length;
  const maxSamples = Math.max(...tracks.map((t) => t.samples.length));
  const baseIsMoof = options.defaultBaseIsMoof ?? true;
  const dts = tracks.map(() => 0);
  for (let first = 0, seq = 1; first < maxSamples; first += options.samplesPerFragment, seq++) {
    const slices = tracks.map((t) =>
      t.samples.slice(first, first + options.samplesPerFragment).map((s, k) => ({ s, index: first + k })),
    );
    const startDts = [...dts];
    const build = (dataOffsets: number[]): Uint8Array =>
      buildMoof(
        seq,
        tracks.flatMap((t, i) => {
          const slice = slices[i] ?? [];
          if (slice.length === 0) return [];
          return [
            {
              tfhd: {
                trackId: t.trackId,
                durationIsEmpty: false,
                defaultBaseIsMoof: baseIsMoof,
                ...(baseIsMoof ? {} : { baseDataOffset: offset }),
              },
              baseMediaDecodeTime: startDts[i] ?? 0,
              truns: [
                {
                  sampleCount: slice.length,
                  dataOffset: dataOffsets[i] ?? 0,
                  durations: slice.map((x) => x.s.duration),
                  sizes: slice.map((x) => x.s.size),
                  flags: slice.map((x) => (x.s.sync === false ? SAMPLE_FLAGS_NON_SYNC : SAMPLE_FLAGS_SYNC)),
                  ctsOffsets: slice.some((x) => (x.s.cts ?? 0) !== 0) ? slice.map((x) => x.s.cts ?? 0) : null,
                },
              ],
            },
          ];
        }),
      );
    const moofSize = build(tracks.map(() => 0)).length;
    const dataOffsets: number[] = [];
    let at = moofSize + 8;
    const payload: Uint8Array[] = [];
    slices.forEach((slice, i) => {
      dataOffsets[i] = at;
      for (const x of slice) {
        payload.push(marker(x.index, x.s.size));
        at += x.s.size;
        dts[i] = (dts[i] ?? 0) + x.s.duration;
      }
    });
    const moof = build(dataOffsets);
    const mdat = box('mdat', ...payload);
    parts.push(moof, mdat);
    offset += moof.length + mdat.length;
  }
  return concatBytes(parts);
}
