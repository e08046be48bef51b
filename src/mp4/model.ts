/**
 * The shared data model of the MP4 engine: what the reader produces, what the joiner and writers consume, and what
 * the emulator hands the writers to synthesise GetClip bodies. Pure types; no payload bytes are ever held here
 * except codec configuration (sample-entry boxes, parameter sets).
 *
 * Units: every time is an integer in the named timescale (media timescale for samples, movie timescale for edit
 * segment durations); byte offsets are absolute offsets into the `ByteSource` the clip was read from.
 */

/** Random access to the bytes of one input (a spooled GetClip body, a user's file, an in-memory buffer). */
export type ByteSource = {
  /** Total size in bytes. */
  readonly size: number;
  /** Reads exactly `length` bytes at `offset`, or rejects (a short read is an `E_MP4_PARSE` MediaError). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: the reader will not ask for any byte below `offset` again (Infinity: for no byte at all), so a source
   * that holds bytes in memory while they arrive (a GetClip body streamed into the joiner) can drop them.
   */
  release?(offset: number): void;
};

export type TrackKind = 'video' | 'audio';
export type Codec = 'h264' | 'h265' | 'aac' | 'alaw';

/** One entry of an `stsd` box, kept verbatim so it can be written back unchanged. */
export type SampleEntry = {
  /** `avc1` `avc3` `hvc1` `hev1` `mp4a` `alaw`. */
  readonly fourcc: string;
  readonly codec: Codec;
  /** The whole entry box as found in `stsd` (8-byte header included). */
  readonly raw: Uint8Array;
  /**
   * Semantic identity: equal keys mean the entries are interchangeable. Built from fourcc + dimensions + avcC/hvcC
   * bytes (+pasp/colr) for video, fourcc + channels + rate + AudioSpecificConfig for audio; ignores `btrt` and esds
   * bitrates, which differ in every encoder-cut clip.
   */
  readonly key: string;
  readonly width?: number;
  readonly height?: number;
  /** NAL unit length field size in bytes (1, 2 or 4) for H.264/H.265. */
  readonly nalLengthSize?: number;
  /** VPS/SPS/PPS NAL units from avcC/hvcC, without length prefixes, in the order they must be sent. */
  readonly parameterSets?: readonly Uint8Array[];
  readonly channelCount?: number;
  readonly sampleRate?: number;
};

/** One `elst` entry. `mediaTime === -1` is an empty edit. */
export type EditEntry = {
  /** In the movie timescale. */
  readonly segmentDuration: number;
  /** In the media timescale; -1 for an empty edit. */
  readonly mediaTime: number;
  readonly rate: number;
};

/**
 * The samples of one track, held compactly (typed arrays, a few bytes per unit; never payload).
 * A *unit* is one sample; for constant-size PCM (G.711 A-law, one byte per sample) a unit is one chunk of
 * `sampleCounts[i]` equal samples, so an hour of 8 kHz audio is thousands of units, not 28.8 million.
 * Units are in decode order.
 */
export type SampleTable = {
  readonly unitCount: number;
  /** Absolute byte offset of each unit in its source. */
  readonly offsets: Float64Array;
  /** Byte size of each unit. */
  readonly sizes: Uint32Array;
  /** Duration of each sample of the unit, in the media timescale (a unit's span is duration × sampleCount). */
  readonly durations: Uint32Array;
  /** Samples per unit; `null` means 1 for every unit. */
  readonly sampleCounts: Uint32Array | null;
  /** Composition offset (CTS − DTS) per unit; `null` means all 0. */
  readonly ctsOffsets: Int32Array | null;
  /** 1 for a sync sample (keyframe); `null` means every unit is sync (audio). */
  readonly sync: Uint8Array | null;
  /** 0-based index into `Track.entries` per unit. */
  readonly entryIndex: Uint8Array;
  /** Constant bytes per sample for PCM tracks (`stsz.sample_size`), else 0. */
  readonly constantSampleSize: number;
};

export type Track = {
  readonly trackId: number;
  readonly kind: TrackKind;
  /** Media timescale (`mdhd`). */
  readonly timescale: number;
  /** ISO-639-2/T code from `mdhd`, e.g. `und`, `eng`. */
  readonly language: string;
  readonly handlerName: string;
  readonly entries: readonly SampleEntry[];
  /** The input's edit list, honoured by the joiner (empty = identity). */
  readonly edits: readonly EditEntry[];
  /** `tkhd` width/height in whole pixels (0 for audio). */
  readonly width: number;
  readonly height: number;
  /** Decode time of the first unit in the media timescale (0 for progressive input; `tfdt` for fragmented input). */
  readonly firstDts: number;
  readonly samples: SampleTable;
};

export type ClipLayout = 'moov-first' | 'moov-last' | 'fragmented';

/**
 * The two output formats, named the same from the CLI down: `progressive` (one `moov` with full sample tables, a
 * file) and `fragmented` (`moov`/`mvex`, then `moof`/`mdat` pairs; what a pipe gets).
 */
export type OutputFormat = 'progressive' | 'fragmented';

/** A parsed input clip: the index of where every sample is, plus codec configuration. */
export type Clip = {
  readonly layout: ClipLayout;
  /** `mvhd` timescale. */
  readonly movieTimescale: number;
  /** Video first, then audio (the order the joiner writes). */
  readonly tracks: readonly Track[];
  /** Size of the source in bytes. */
  readonly sizeBytes: number;
  /** Absolute KVS start (epoch ms) a kvs-clip output recorded in `moov/udta/kvsS` (boxes/kvs-start.ts). */
  readonly startMs?: number;
};

/**
 * A sample handed to the writers from memory (the emulator's synthetic fragments). Bytes are produced on demand so
 * that a 100 MB clip is never held at once.
 */
export type MemorySample = {
  /** Decode time in the track's media timescale. */
  readonly dts: number;
  readonly duration: number;
  readonly ctsOffset: number;
  readonly sync: boolean;
  /** 0-based index into the track's `entries`. */
  readonly entryIndex: number;
  readonly size: number;
  bytes(): Uint8Array;
};

export type MemoryTrack = Omit<Track, 'samples' | 'firstDts' | 'edits'> & {
  readonly edits?: readonly EditEntry[];
  readonly samples: readonly MemorySample[];
};
