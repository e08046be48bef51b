/**
 * stbl, ISO/IEC 14496-12 §8.5.1, built from an `OutputTrack`'s compact tables (per-unit arrays are compacted first):
 * stsd, stts, ctts, stss, stsz, stsc and stco/co64.
 */
import { box, boxChunks, ByteWriter, fullBox } from './byte-writer.js';
import { buildStsc } from './stsc.js';
import { buildStsd } from './stsd.js';
import type { CompactTables, OutputTrack } from '../plan/output-track.js';
import type { RunEntries } from '../plan/run-blocks.js';
import { compactTables } from '../plan/tables-builder.js';
import type { BoxChunk } from '../plan/table-spill.js';

export type StblOptions = {
  /** Added to every `chunkOffsets` value (where the mdat payload starts in the file). */
  readonly payloadOffset: number;
  /** Use `co64` when any chunk offset exceeds this (2^32 − 1 normally; lowered in tests). */
  readonly co64ThresholdBytes: number;
};

/**
 * Builds the `stbl` of a progressive track as its bytes in order (`boxChunks`): the tables are the bulk of a long
 * clip's moov, so they are not copied into a parent here, and stsz's entries are the tables' own blocks. Throws
 * `InternalError` when a value does not fit its field (a bug upstream).
 */
export function buildStbl(track: OutputTrack, options: StblOptions): BoxChunk[] {
  const tables = 'compact' in track ? track.compact : compactTables(track, track.constantSampleSize);
  const parts: (Uint8Array | BoxChunk[])[] = [buildStsd(track.entries.map((e) => e.raw)), runBox('stts', tables.stts)];
  if (tables.ctts !== null) parts.push(runBox('ctts', tables.ctts));
  if (tables.stss !== null) parts.push(stssBox(tables.stss));
  return boxChunks(
    'stbl',
    ...parts,
    stszChunks(tables, track.constantSampleSize),
    buildStsc(tables.stsc),
    chunkOffsetBox(tables, options),
  );
}

/** Empty sample tables for a fragmented init segment (`moov` + `mvex`): only `stsd` has content. */
export function buildEmptyStbl(track: OutputTrack): Uint8Array {
  const none = new ByteWriter(4).u32(0).finish();
  return box(
    'stbl',
    buildStsd(track.entries.map((e) => e.raw)),
    fullBox('stts', 0, 0, none),
    fullBox('stsc', 0, 0, none),
    fullBox('stsz', 0, 0, new ByteWriter(8).u32(0).u32(0).finish()),
    fullBox('stco', 0, 0, none),
  );
}

/** stss (§8.6.2) from the arithmetic runs of sync sample numbers. */
function stssBox(stss: NonNullable<CompactTables['stss']>): Uint8Array {
  const w = new ByteWriter(4 + stss.total * 4).u32(stss.total);
  for (let r = 0; r < stss.counts.length; r++) {
    const first = stss.firsts[r] ?? 0;
    const step = stss.steps[r] ?? 0;
    const count = stss.counts[r] ?? 0;
    for (let k = 0; k < count; k++) w.u32(first + k * step);
  }
  return fullBox('stss', 0, 0, w.finish());
}

/**
 * stts (§8.6.1.2) or ctts (§8.6.1.3): header, then the entries as the blocks they are kept in. ctts is version 1
 * when an offset is negative, else version 0 (as `buildCtts`).
 */
function runBox(type: 'stts' | 'ctts', runs: RunEntries): BoxChunk[] {
  const version = type === 'ctts' && runs.anyNegative ? 1 : 0;
  const head = new ByteWriter(8).u8(version).u24(0).u32(runs.entryCount).finish();
  return boxChunks(type, head, runs.entries);
}

/** stsz (§8.7.3.2): header, then the entries as the blocks they are kept in (never copied into one array). */
function stszChunks(tables: CompactTables, constantSampleSize: number): BoxChunk[] {
  const entries = tables.stszEntries;
  const head = new ByteWriter(12)
    .u8(0)
    .u24(0)
    .u32(entries === null ? constantSampleSize : 0)
    .u32(tables.sampleCount)
    .finish();
  return boxChunks('stsz', head, entries ?? []);
}

/**
 * stco, or co64 past the threshold. Local rather than `boxes/stco.ts`'s builder because the threshold must be
 * lowerable for tests of the 64-bit path.
 */
function chunkOffsetBox(tables: CompactTables, options: StblOptions): Uint8Array {
  const offsets = tables.chunkOffsets;
  const n = offsets.length;
  const base = options.payloadOffset;
  const wide = n > 0 && base + (offsets[n - 1] ?? 0) > options.co64ThresholdBytes;
  const w = new ByteWriter(4 + n * (wide ? 8 : 4)).u32(n);
  for (let i = 0; i < n; i++) {
    const offset = base + (offsets[i] ?? 0);
    if (wide) w.u64(offset);
    else w.u32(offset);
  }
  return fullBox(wide ? 'co64' : 'stco', 0, 0, w.finish());
}
