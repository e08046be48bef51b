import type { RunEntries } from '../../src/mp4/plan/run-blocks.js';
import { chunkBytes } from '../../src/mp4/plan/table-spill.js';

/** The (count, value) runs of an stts/ctts entry table, read back from its big-endian entry bytes. */
export function readRuns(runs: RunEntries, signed = false): { counts: number[]; values: number[] } {
  const counts: number[] = [];
  const values: number[] = [];
  for (const chunk of runs.entries) {
    const block = chunkBytes(chunk);
    const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
    for (let at = 0; at < block.length; at += 8) {
      counts.push(view.getUint32(at));
      values.push(signed ? view.getInt32(at + 4) : view.getUint32(at + 4));
    }
  }
  return { counts, values };
}
