import type { MemoryTrack } from '../mp4/model.js';

/** The two ways GetClip and ListFragments select fragments (kvs-api.md §6). */
export type SelectorType = 'PRODUCER_TIMESTAMP' | 'SERVER_TIMESTAMP';

/** One archived fragment as ListFragments reports it, plus what the emulator needs to build clips. */
export type StreamFragment = {
  /** Ingestion slot; fragment numbers increase with it. */
  readonly slot: number;
  /** 47-digit decimal string (kvs-api.md §3). */
  readonly fragmentNumber: string;
  readonly producerMs: number;
  readonly serverMs: number;
  readonly durationMs: number;
  /** Exactly the bytes this fragment's samples contribute to a clip (so planners can predict the 100 MB cap). */
  readonly sizeBytes: number;
  /** Codec-configuration identity: fragments with different values cannot be served in one GetClip. */
  readonly configId: number;
};

/** What a clip is built from: the writer's input. */
export type ClipMedia = { readonly movieTimescale: number; readonly tracks: readonly MemoryTrack[] };

/** The StreamInfo facts of a stream (kvs-api.md §3). */
export type StreamDescription = {
  readonly name: string;
  readonly arn: string;
  readonly creationMs: number;
  readonly retentionHours: number;
  readonly mediaType: string;
  readonly version: string;
  readonly deviceName: string | undefined;
  /** GetClip on this stream fails with this producer-side media error (stream spec `clip-error=`). */
  readonly clipError?: ClipError;
};

/** The producer-side media errors a stream can be configured to make GetClip answer (400 each, as on AWS). */
export type ClipError = 'unsupported-media-type' | 'missing-codec-private-data';

/**
 * A stream the emulator serves. Fragments live in ingestion *slots* 0…slotCount-1; a slot may be empty (the
 * producer was offline). Slot start times are non-decreasing in the slot for both selectors, which lets selection
 * binary-search instead of listing, so a 48 h stream costs no memory per fragment.
 */
export type EmulatedStream = {
  readonly description: StreamDescription;
  readonly slotCount: number;
  /** Start of slot `slot` by the selector's clock (defined for empty slots too; non-decreasing). */
  slotTime(slot: number, selector: SelectorType): number;
  /** The fragment in a slot, or undefined for an offline slot. */
  fragmentAt(slot: number): StreamFragment | undefined;
  /** The samples of these fragments (in the given order), laid back to back from time 0. */
  clipMedia(fragments: readonly StreamFragment[]): ClipMedia;
};
