/**
 * moof, ISO/IEC 14496-12 §8.8.4, for fragmented output: one `traf` per track with `default-base-is-moof`, `tfdt`
 * (version 1) and one `trun` per output chunk, so data offsets are relative to the `moof` and nothing is ever
 * patched after writing (works on pipes).
 */
import { box, ByteWriter, fullBox, mdatHeader } from './byte-writer.js';

/** One contiguous run of samples in the fragment's mdat. */
export type TrunInput = {
  /** Offset of the run's first byte within the mdat payload. */
  readonly payloadOffset: number;
  readonly sizes: ArrayLike<number>;
  readonly durations: ArrayLike<number>;
  readonly ctsOffsets: ArrayLike<number> | null;
  /** 1 = sync per sample; `null` = all sync (audio). */
  readonly sync: ArrayLike<number> | null;
};

/**
 * Constant-size PCM: one run of `sampleCount` equal samples, described by `tfhd` defaults instead of per-sample
 * fields (an hour of A-law is 28.8 million samples).
 */
export type PcmTrunInput = {
  readonly payloadOffset: number;
  readonly sampleCount: number;
};

export type TrafInput = {
  readonly trackId: number;
  /** Decode time of the first sample (`tfdt`), media timescale. */
  readonly baseDts: number;
  /** 1-based `stsd` index. */
  readonly sampleDescriptionIndex: number;
  readonly runs: readonly TrunInput[];
  /** For PCM tracks: `runs` is ignored and these are used with the defaults below. */
  readonly pcm?: {
    readonly runs: readonly PcmTrunInput[];
    readonly sampleSize: number;
    readonly sampleDuration: number;
  };
};

const SYNC_FLAGS = 0x02000000; // sample_depends_on = 2 (does not depend on others)
const NON_SYNC_FLAGS = 0x01010000; // sample_depends_on = 1, sample_is_non_sync_sample = 1

/**
 * Builds `moof` + the `mdat` header for a fragment whose mdat payload is `payloadSize` bytes. Returns both so the
 * caller can stream the payload right after them.
 */
export function buildFragmentHead(
  sequenceNumber: number,
  trafs: readonly TrafInput[],
  payloadSize: number,
): Uint8Array {
  const header = mdatHeader(payloadSize);
  const probe = buildMoof(sequenceNumber, trafs, 0);
  const moof = buildMoof(sequenceNumber, trafs, probe.length + header.length);
  const out = new Uint8Array(moof.length + header.length);
  out.set(moof, 0);
  out.set(header, moof.length);
  return out;
}

function buildMoof(sequenceNumber: number, trafs: readonly TrafInput[], dataStart: number): Uint8Array {
  const mfhd = fullBox('mfhd', 0, 0, new ByteWriter(4).u32(sequenceNumber).finish());
  return box('moof', mfhd, ...trafs.map((t) => buildTraf(t, dataStart)));
}

function buildTraf(traf: TrafInput, dataStart: number): Uint8Array {
  const tfdt = fullBox('tfdt', 1, 0, new ByteWriter(8).u64(traf.baseDts).finish());
  if (traf.pcm !== undefined) {
    // default-base-is-moof | sample-description-index | default duration | default size | default flags
    const tfhd = fullBox(
      'tfhd',
      0,
      0x020000 | 0x02 | 0x08 | 0x10 | 0x20,
      new ByteWriter(20)
        .u32(traf.trackId)
        .u32(traf.sampleDescriptionIndex)
        .u32(traf.pcm.sampleDuration)
        .u32(traf.pcm.sampleSize)
        .u32(SYNC_FLAGS)
        .finish(),
    );
    const truns = traf.pcm.runs.map((r) =>
      fullBox(
        'trun',
        0,
        0x001,
        new ByteWriter(8)
          .u32(r.sampleCount)
          .i32(dataStart + r.payloadOffset)
          .finish(),
      ),
    );
    return box('traf', tfhd, tfdt, ...truns);
  }
  const tfhd = fullBox(
    'tfhd',
    0,
    0x020000 | 0x02,
    new ByteWriter(8).u32(traf.trackId).u32(traf.sampleDescriptionIndex).finish(),
  );
  return box('traf', tfhd, tfdt, ...traf.runs.map((r) => buildTrun(r, dataStart)));
}

function buildTrun(run: TrunInput, dataStart: number): Uint8Array {
  const n = run.sizes.length;
  const cts = run.ctsOffsets;
  let hasCts = false;
  let negative = false;
  for (let i = 0; cts !== null && i < n; i++) {
    const v = cts[i] ?? 0;
    if (v !== 0) hasCts = true;
    if (v < 0) negative = true;
  }
  const flags = 0x001 | 0x100 | 0x200 | (run.sync !== null ? 0x400 : 0) | (hasCts ? 0x800 : 0);
  const w = new ByteWriter(8 + n * 16).u32(n).i32(dataStart + run.payloadOffset);
  for (let i = 0; i < n; i++) {
    w.u32(run.durations[i] ?? 0).u32(run.sizes[i] ?? 0);
    if (run.sync !== null) w.u32(run.sync[i] === 1 ? SYNC_FLAGS : NON_SYNC_FLAGS);
    if (hasCts) {
      const offset = cts?.[i] ?? 0;
      if (negative) w.i32(offset);
      else w.u32(offset);
    }
  }
  return fullBox('trun', negative ? 1 : 0, flags, w.finish());
}
