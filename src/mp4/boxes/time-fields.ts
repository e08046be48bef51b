/**
 * Version-dependent fields shared by mvhd, tkhd and mdhd (ISO/IEC 14496-12 §8.2.2, §8.3.2, §8.4.2): creation and
 * modification times and duration are 32-bit in version 0, 64-bit in version 1.
 */
import type { ByteReader } from '../read/byte-reader.js';
import type { ByteWriter } from './byte-writer.js';

const MAX_U32 = 0xffffffff;

/** Reads a 32- or 64-bit unsigned field according to the box version. */
export function readVersioned(body: ByteReader, version: number): number {
  return version === 1 ? body.u64() : body.u32();
}

/** Writes a 32- or 64-bit unsigned field according to the box version. */
export function writeVersioned(w: ByteWriter, version: number, value: number): void {
  if (version === 1) w.u64(value);
  else w.u32(value);
}

/** Version 1 when any value needs more than 32 bits. */
export function versionFor(...values: number[]): 0 | 1 {
  return values.some((v) => v > MAX_U32) ? 1 : 0;
}

/** The 3×3 transformation matrix (16.16 and 2.30 fixed point), as raw 32-bit integers. */
export const IDENTITY_MATRIX: readonly number[] = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];

export function readMatrix(body: ByteReader): number[] {
  const m: number[] = [];
  for (let i = 0; i < 9; i++) m.push(body.i32());
  return m;
}

export function writeMatrix(w: ByteWriter, matrix: readonly number[]): void {
  for (let i = 0; i < 9; i++) w.i32(matrix[i] ?? 0);
}
